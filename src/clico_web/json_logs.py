"""Log lines as JSON objects, one per line, with the standard library's ``logging``.

Why not structlog: every line we care about is written through ``logging`` already (ours,
uvicorn's, Alembic's), so a ``logging.Formatter`` makes all of them JSON with no second
pipeline to bridge and no new dependency; the fields a request line carries are passed as
``extra``. Secrets are redacted before formatting by ``log_redaction.RedactSecrets``, a
filter on the handler, so no logger can bypass it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from .log_redaction import RedactSecrets

# the attributes every LogRecord has; anything else was passed as ``extra`` and is a field
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName", "color_message"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", …extra fields, "error"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool | None) \
                    else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__  # no traceback text: it may hold data
        return json.dumps(line, ensure_ascii=False)


def log_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``clico serve`` and ``clico worker`` (uvicorn
    takes it as ``log_config``): every logger of ours and uvicorn's to stderr as JSON,
    through the redaction filter. uvicorn's access log is off: the portal writes its own
    request line (``clico.request``), which carries the request id."""
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactSecrets}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "filters": ["redact"], "stream": "ext://sys.stderr"}},
        "loggers": {
            name: {"handlers": ["stderr"], "level": upper, "propagate": False}
            for name in ("clico", "clico_web", "clico_adapters", "uvicorn", "uvicorn.error",
                         "alembic")
        } | {"uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False}},
    }
