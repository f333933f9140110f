"""One uvicorn worker serving ``bench.app`` on 127.0.0.1 (started pinned by ``http_load``)."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from clico_web.heap import freeze_startup_heap

from .app import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--data-dir", required=True, help="scratch folder (the caller's)")
    args = parser.parse_args()
    app = build(args.database_url, args.secret_key, Path(args.data_dir))
    freeze_startup_heap()  # as ``clico serve`` does in each server process
    # No access log: every route pays the same for it, and it would measure the terminal.
    uvicorn.run(app, host="127.0.0.1", port=args.port, workers=1, lifespan="off",
                access_log=False, log_level="warning", server_header=False)


if __name__ == "__main__":
    main()
