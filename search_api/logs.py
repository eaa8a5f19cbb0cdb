"""Structured logs: one JSON object per line, each carrying the request id of the request
that caused it, so one request's lines can be pulled out of a busy server's stream.

The request id lives in a context variable set by the request middleware; Starlette copies
the context into the worker threads that run sync endpoints, so store and service log lines
written while serving a request carry its id too.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: the id of the request being served (None outside requests: start-up, CLI)
request_id_var: ContextVar[str | None] = ContextVar("councilkg_request_id", default=None)

#: fields an access line adds through ``extra=`` (see search_api.middleware)
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")
_NOISY = ("sentence_transformers", "transformers", "httpx", "huggingface_hub")


def install_request_ids() -> None:
    """Stamp every log record with the current request id when it is created, so every
    handler (ours, pytest's, an operator's) sees it; idempotent."""
    current = logging.getLogRecordFactory()
    if getattr(current, "councilkg", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        record.request_id = request_id_var.get()
        return record

    factory.councilkg = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, then the access fields when present."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name in ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For people at a terminal: the usual line, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{line} [request {rid}]" if rid else line


def use_json(log_format: str) -> bool:
    """``auto``: JSON unless stderr is a terminal (a person reading)."""
    if log_format == "auto":
        return not sys.stderr.isatty()
    return log_format == "json"


def configure_logging(level: str = "INFO", log_format: str = "auto") -> None:
    """One stderr handler on the root logger (replacing earlier ones, so calling twice is
    harmless); uvicorn's loggers propagate to it (the server is started without its own
    log config)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json(log_format) else TextFormatter())
    install_request_ids()
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
