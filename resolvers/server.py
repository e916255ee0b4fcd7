"""`voipbin api`: Hypercorn with uvloop serving the ASGI app."""

from __future__ import annotations

import asyncio

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from resolvers.http import create_app
from voipbin.config import Settings
from voipbin.logging import configure_logging


def hypercorn_config(settings: Settings) -> Config:
    config = Config()
    config.bind = [f"{settings.api_host}:{settings.api_port}"]
    config.accesslog = None
    config.errorlog = "-"
    config.keep_alive_timeout = 75
    config.graceful_timeout = 5
    return config


def serve(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_json)
    import uvloop

    uvloop.install()
    asyncio.run(hypercorn_serve(create_app(settings), hypercorn_config(settings)))  # type: ignore[arg-type]
