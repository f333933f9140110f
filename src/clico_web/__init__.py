"""The CLICO Support System web portal: Starlette + Jinja2 over ``clico_core.Services``."""

from .app import create_app
from .settings import Mode, Settings, SettingsError

__all__ = ["Mode", "Settings", "SettingsError", "create_app"]
