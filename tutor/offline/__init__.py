"""The offline answering engine: extractive answers, declining, multiple choice, question parts.

tutor/offline/engine.py is its one entry point; its weights and thresholds are
`Settings.offline` (tutor/config.py, `TUTOR_OFFLINE__...`).
"""
