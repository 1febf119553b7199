"""create_app(settings): the FastAPI app; its lifespan builds the one Tutor and closes it on exit.

uvicorn --factory api.app:app_from_env      # settings from the environment (TUTOR_*)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import errors
from api.jobs import IngestJobs
from api.limits import BodyLimit, RateLimit
from api.observability import (
    RequestContext,
    configure_logging,
    install_metrics,
    install_request_ids,
)
from api.routes import admin, chat, health, openai_compat, progress, quiz, search, sources, web
from api.routes import check as check_routes
from api.routes import tests as practice_tests
from api.routes.web import STATIC
from tutor.config import Settings, get_settings
from tutor.embeddings import serving_embedder
from tutor.service import Tutor, build_tutor

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Answers, quizzes and grades from your own notes, with citations. "
    'Errors are `{"detail": message}` with a 4xx or 5xx status.'
)


def create_app(settings: Settings, tutor: Tutor | None = None, *, warm: bool = False) -> FastAPI:
    """The app. Pass `tutor` to reuse one already built (tests); the app then leaves it open.

    `warm`: prepare every chunk's answer units before serving, so no request pays for it.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = tutor is None
        # Concurrent requests share query-embedding calls (bench/load.py measures the gain).
        app.state.tutor = (
            build_tutor(settings, embedder=serving_embedder(settings)) if owned else tutor
        )
        app.state.jobs = IngestJobs()
        if warm:
            await asyncio.to_thread(app.state.tutor.warm)
        try:
            yield
        finally:
            app.state.jobs.wait(timeout=60)
            if owned:
                app.state.tutor.close()

    app = FastAPI(title="Notes Tutor", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.rate_limit = RateLimit(settings)
    install_request_ids()
    errors.install(app)
    # Middleware added last runs first: request id and log line, CORS, body limit, metrics.
    install_metrics(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContext)
    for module in (chat, search, quiz, progress, sources, openai_compat, admin, health, web):
        app.include_router(module.router)
    app.include_router(practice_tests.router)
    app.include_router(check_routes.router)
    if settings.slack_signing_secret and settings.slack_bot_token:
        from api.slack.routes import router as slack_router  # only when Slack is configured

        app.include_router(slack_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn (`--factory`), needed to run several workers. Each worker process
    starts bare, so this installs its logging (the one root handler; JSON unless
    TUTOR_LOG_FORMAT says text); calling it again in a process replaces, never adds."""
    settings = get_settings()
    configure_logging(settings)
    return create_app(settings, warm=True)
