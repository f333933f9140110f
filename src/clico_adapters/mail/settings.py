"""Mail addresses and URLs: the checks every sender and link base must pass, and the local
default transport. The environment is read once, by ``clico_adapters.config``."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SENDER = "support-system@clico.pl"
MAINTENANCE_ADDRESS = "maintenance@clico.pl"


def default_mail_url(data_dir: str | os.PathLike[str], *, demo: bool = False) -> str:
    """A Maildir under ``<data_dir>/mail``: the transport when none is configured.

    ``demo=True`` (the local demo run) makes it also log sign-in codes, so the demo user can
    sign in from the console.
    """
    path = Path(data_dir, "mail").resolve().as_uri().removeprefix("file://")
    return f"maildir://{path}" + ("?log_codes=1" if demo else "")


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
