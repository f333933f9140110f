"""The ``clico`` command: run, migrate, issue contracts, import CLICO TAC accounts, demo data.

Built with click (declarative options, ``--help`` for free, a test runner) and rich (tables
and progress bars). Every command exits non-zero with a one-line reason on failure.
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
