"""The portal's settings: the one ``Settings`` class of ``clico_adapters.config``."""

from __future__ import annotations

from clico_adapters.config import (
    DEFAULT_HASHING_NICE,
    MIN_SECRET_KEY_LENGTH,
    Mode,
    Settings,
    SettingsError,
)

__all__ = ["DEFAULT_HASHING_NICE", "MIN_SECRET_KEY_LENGTH", "Mode", "Settings", "SettingsError"]
