"""Mail settings read from the environment: small helpers, no framework.

The caller reads them once at start-up and passes the values in; nothing here is global.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SENDER = "support-system@clico.pl"
MAINTENANCE_ADDRESS = "maintenance@clico.pl"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def mail_url_from_env(data_dir: str | os.PathLike[str],
                      environ: Mapping[str, str] | None = None, *, demo: bool = False) -> str:
    """``CLICO_MAIL_URL``, else a Maildir under ``<data_dir>/mail`` (the local default).

    ``demo=True`` (the local demo run) makes that default Maildir also log sign-in codes,
    so the demo user can sign in from the console; an explicit ``CLICO_MAIL_URL`` is kept as is.
    """
    env = os.environ if environ is None else environ
    configured = env.get("CLICO_MAIL_URL", "").strip()
    if configured:
        return configured
    path = Path(data_dir, "mail").resolve().as_uri().removeprefix("file://")
    return f"maildir://{path}" + ("?log_codes=1" if demo else "")


def sender_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``CLICO_MAIL_FROM``, else ``support-system@clico.pl``."""
    env = os.environ if environ is None else environ
    return check_sender(env.get("CLICO_MAIL_FROM", "").strip() or DEFAULT_SENDER)


def base_url_from_env(environ: Mapping[str, str] | None = None,
                      default: str = DEFAULT_BASE_URL) -> str:
    """``CLICO_BASE_URL`` (the portal's public address, used for links in mails)."""
    env = os.environ if environ is None else environ
    return check_base_url(env.get("CLICO_BASE_URL", "").strip() or default)


def check_base_url(url: str) -> str:
    """The base URL without a trailing slash; ValueError unless it is a plain http(s) URL."""
    parts = urlsplit(url.strip())
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query
            or parts.fragment or parts.username or any(c in url for c in "\r\n\t ")):
        raise ValueError(f"the base URL must look like https://support.example.com, not {url!r}")
    return url.strip().rstrip("/")


def check_sender(address: str) -> str:
    """A bare e-mail address for ``From`` (no display name, no line breaks)."""
    if (address.count("@") != 1 or any(c in address for c in "\r\n\t <>\"")
            or not all(address.split("@"))):
        raise ValueError(f"the sender must be a bare address like {DEFAULT_SENDER}, "
                         f"not {address!r}")
    return address
