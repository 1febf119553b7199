"""The Slack bot: bolt (AsyncApp) mounted at POST /slack/events, or over Socket Mode.

bot.py        build_slack_app(settings, tutor): the bolt app, secrets from Settings
listeners.py  ack at once, then call the Tutor in lazy listeners
commands.py   `/tutor ...` parsing
blocks.py     Block Kit views of answers, quizzes, grades and progress
memory.py     threads, quizzes awaiting an answer, events already taken
routes.py     the FastAPI router
"""
