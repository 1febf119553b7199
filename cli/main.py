"""The `tutor` command: one Typer app; each area adds its commands from its own module."""

from __future__ import annotations

import logging

import typer

from cli import chat_cmd, eval_cmd, ingest_cmd, quiz_cmd, search_cmd, serve_cmd, slack_cmd
from cli.check_cmd import register as register_check

app = typer.Typer(
    name="tutor",
    help="Notes Tutor: answers, quizzes and grades from your own notes, with citations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (ingest_cmd, search_cmd, serve_cmd, eval_cmd, quiz_cmd, chat_cmd, slack_cmd):
    module.register(app)
register_check(app)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
