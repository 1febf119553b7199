"""`tutor slack --socket`: the Slack bot over Socket Mode, for workspaces without a public URL."""

from __future__ import annotations

import asyncio

import typer

from cli.common import console, fail, load_settings, user_errors


def check_socket_settings(settings) -> str:
    """The app-level token (xapp-...) and the bot token are required; the signing secret is not,
    since Socket Mode requests come over the app's own websocket."""
    from tutor.errors import ConfigError

    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    if not app_token.strip():
        raise ConfigError(
            "Set TUTOR_SLACK_APP_TOKEN (an xapp- app-level token with the "
            "connections:write scope) to use Socket Mode."
        )
    if not settings.slack_bot_token or not settings.slack_bot_token.get_secret_value().strip():
        raise ConfigError("Set TUTOR_SLACK_BOT_TOKEN (the xoxb- bot token) to run the Slack bot.")
    return app_token.strip()


async def run_socket_mode(settings, tutor) -> None:
    from aiohttp import ClientError
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_sdk.errors import SlackApiError

    from api.slack.bot import build_slack_app
    from tutor.errors import ConfigError

    app = build_slack_app(settings, tutor, socket_mode=True)
    app_token = check_socket_settings(settings)
    # The app token is passed in: without it the handler would read SLACK_APP_TOKEN itself.
    handler = AsyncSocketModeHandler(app, app_token)
    try:
        # Ask for the websocket URL ourselves: the SDK would retry a refused token forever.
        try:
            opened = await app.client.apps_connections_open(app_token=app_token)
        except SlackApiError as exc:
            raise ConfigError(
                f"Slack refused the Socket Mode connection: "
                f"{exc.response.get('error')}; check TUTOR_SLACK_APP_TOKEN."
            ) from exc
        except (ClientError, OSError) as exc:
            raise ConfigError(f"Cannot reach Slack at {settings.slack_api_url}: {exc}") from exc
        handler.client.wss_uri = opened["url"]
        await handler.connect_async()  # from here on the SDK reconnects by itself
        await asyncio.Event().wait()  # serve until interrupted
    finally:
        await handler.close_async()


def register(app: typer.Typer) -> None:
    @app.command("slack")
    def slack_command(
        socket: bool = typer.Option(False, "--socket", help="Connect over Socket Mode."),
    ) -> None:
        """Run the Slack bot over Socket Mode (over HTTP it is part of `tutor serve`)."""
        if not socket:
            raise fail(
                "over HTTP the bot is part of the API: set TUTOR_SLACK_SIGNING_SECRET and "
                "TUTOR_SLACK_BOT_TOKEN, run `tutor serve` and point Slack at "
                "https://<host>/slack/events; or run `tutor slack --socket`."
            )
        from tutor.service import build_tutor

        with user_errors():
            settings = load_settings()
            check_socket_settings(settings)  # before the model loads: seconds, not a minute
            tutor = build_tutor(settings)
            console.print("Slack bot connecting over Socket Mode (Ctrl-C to stop)...")
            try:
                asyncio.run(run_socket_mode(settings, tutor))
            finally:
                tutor.close()
