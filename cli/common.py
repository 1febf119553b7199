"""What every command shares: settings, a clear error exit, the console."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tutor.errors import TutorError

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# No tqdm bars from the model's load on stderr: the logs are one line per event (JSON for serve).
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

console = Console()
err_console = Console(stderr=True)


def progress_bar(label: str) -> Progress:
    """The one progress bar style of the CLI: label, bar, done/total, elapsed; gone when done."""
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Known errors become one red line and exit 1; no traceback reaches the user."""
    try:
        yield
    except TutorError as exc:
        raise fail(str(exc)) from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise fail(f"bad setting: {problems}") from None
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None


def load_settings():
    from tutor.config import get_settings

    return get_settings()
