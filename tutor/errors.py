"""Errors the tutor raises. Every surface maps them to a clear message; none is a traceback.

TutorError                 base; never raised itself
├── InvalidInput           the caller sent something unusable (empty question, bad choices)
├── NotFound               an unknown quiz id, chunk id or session
├── Conflict               the request clashes with stored state (a finished quiz answered again)
├── ConfigError            a setting is wrong (unknown LLM provider, malformed URL)
├── IngestError            notes that cannot be read or an empty corpus; the old index stays
├── StoreUnavailable       the vector store (Chroma) cannot be reached right now
└── NotReady               no notes are ingested yet
"""


class TutorError(Exception):
    """Base class: `str(err)` is a message fit for the user."""


class InvalidInput(TutorError):
    pass


class NotFound(TutorError):
    pass


class Conflict(TutorError):
    pass


class ConfigError(TutorError):
    pass


class IngestError(TutorError):
    pass


class StoreUnavailable(TutorError):
    pass


class NotReady(TutorError):
    """No notes have been ingested yet."""
