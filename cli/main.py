"""The `tutor` command: one Typer app; each area adds its commands from its own module."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from cli import chat_cmd, eval_cmd, ingest_cmd, quiz_cmd, search_cmd, serve_cmd, slack_cmd
from cli.check_cmd import register as register_check
from cli.common import load_settings
from cli.test_cmd import register as register_test

app = typer.Typer(
    name="tutor",
    help="Notes Tutor: answers, quizzes and grades from your own notes, with citations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (ingest_cmd, search_cmd, serve_cmd, eval_cmd, quiz_cmd, chat_cmd, slack_cmd):
    module.register(app)
register_test(app)
register_check(app)


# Long-running services log JSON lines at TUTOR_LOG_LEVEL; terminal commands log text warnings.
SERVICES = ("serve", "slack")


@app.callback()
def main(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens."),
) -> None:
    from api.observability import configure_logging
    from tutor.config import Settings

    try:
        settings = load_settings()
    except ValidationError:  # the command itself reports bad settings; log with the defaults
        settings = Settings.model_construct()
    if ctx.invoked_subcommand in SERVICES:
        configure_logging(settings, default_format="json")
    else:
        configure_logging(settings, default_format="text", level="INFO" if verbose else "WARNING")
