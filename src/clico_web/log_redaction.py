"""Keep secrets in URLs (confirmation and reset links) out of every log line."""

from __future__ import annotations

import logging
import re

from .settings import Mode, Settings

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


DEMO_LOG_HANDLER = "clico-demo-mail-log"


def show_mail_log(settings: Settings) -> None:
    """Demo mode: write the mail log, sign-in codes included, to the server's stderr.

    The demo's default Maildir logs sign-in codes on ``clico.mail``, but uvicorn configures
    only its own loggers, so without this handler those lines are dropped. Outside demo mode
    (or with a configured ``CLICO_MAIL_URL``) nothing is attached and no code is logged.
    """
    if settings.mode is not Mode.DEMO or settings.mail_url:
        return
    if logging.getLogger("clico").handlers:  # `clico serve` logs JSON: the line is there
        return
    logger = logging.getLogger("clico.mail")
    if any(h.get_name() == DEMO_LOG_HANDLER for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.set_name(DEMO_LOG_HANDLER)
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    handler.addFilter(RedactSecrets())  # codes are the demo's point; links stay redacted
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
