"""What the figures were measured on: CPUs, load, and the versions that matter."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import create_engine, text


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def describe(postgres_url: str | None) -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor())
    info: dict[str, Any] = {
        "nproc": os.cpu_count(), "cpu": model, "platform": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__, "postgresql": None,
    }
    try:
        import argon2
        import starlette
        import uvicorn

        info.update(starlette=starlette.__version__, uvicorn=uvicorn.__version__,
                    argon2_cffi=argon2.__version__ if hasattr(argon2, "__version__") else "")
    except ImportError:
        pass
    if postgres_url:
        engine = create_engine(postgres_url)
        try:
            with engine.connect() as connection:
                info["postgresql"] = connection.execute(text("SHOW server_version")).scalar()
        finally:
            engine.dispose()
    return info
