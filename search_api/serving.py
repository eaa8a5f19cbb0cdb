"""The production server: uvicorn with our logs, graceful shutdown and N workers.

uvicorn's own log config and access log are off: our JSON lines (search_api.logs) carry
the request id, and the access line is written by the request middleware. On SIGTERM
uvicorn stops accepting, gives in-flight requests ``shutdown_timeout`` seconds, then runs
the lifespan exit, which closes the store once no request holds it.

Several workers are several processes, each with its own model (~300 MB) and store
handle. The embedded graph admits one read-write process, so more than one worker on
the embedded backend needs ``read_only`` (writes then go through a separate read-write
process, e.g. the CLI, and the workers are restarted to see them); Neo4j has no such limit.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from ontology.errors import StoreUnavailableError
from search_api.logs import configure_logging
from search_api.settings import Settings

#: settings a worker process re-reads from the environment (CLI options are passed on so)
_ENV = {"store": "COUNCILKG_STORE", "read_only": "COUNCILKG_READ_ONLY",
        "log_level": "COUNCILKG_LOG_LEVEL", "log_format": "COUNCILKG_LOG_FORMAT"}


WORKER_STARTUP_SECONDS = 180


def check_workers(settings: Settings) -> None:
    if settings.workers > 1 and settings.backend == "embedded" and not settings.read_only:
        raise StoreUnavailableError(
            f"{settings.workers} workers cannot share the embedded store read-write (one "
            "read-write process at a time): set COUNCILKG_READ_ONLY=true (writes refused, "
            "503) or use the neo4j backend")


def app_factory() -> FastAPI:
    """What each worker process imports (``--workers`` > 1): settings from the environment."""
    from search_api.api import create_app

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from search_api.api import create_app

    check_workers(settings)
    options = {"host": host or settings.host, "port": port or settings.port,
               "log_config": None, "access_log": False, "log_level": settings.log_level.lower(),
               "timeout_graceful_shutdown": int(settings.shutdown_timeout) or None}
    if settings.workers == 1:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    for name, variable in _ENV.items():
        os.environ[variable] = str(getattr(settings, name))
    # a worker must finish start-up (model + store) within the health-check timeout or the
    # supervisor kills and restarts it, forever: uvicorn's 5 s is too short for a model load
    # on a busy machine
    uvicorn.run("search_api.serving:app_factory", factory=True, workers=settings.workers,
                timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
                **options)  # type: ignore[arg-type]
