"""Keep secrets in URLs (confirmation and reset links) out of every log line."""

from __future__ import annotations

import logging
import re

_SECRET_IN_PATH = re.compile(r"(/confirm/|/password/reset/)[^/?#\s\"]+")
REDACTED = "[redacted]"


def redact_path(path: str) -> str:
    """``/password/reset/<token>`` → ``/password/reset/[redacted]``."""
    return _SECRET_IN_PATH.sub(rf"\g<1>{REDACTED}", path)


class RedactSecrets(logging.Filter):
    """Rewrites uvicorn's access-log arguments (and any message) before they are written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a
                                for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        return True


def install() -> None:
    """Attach the filter to uvicorn's access and error loggers (once)."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
