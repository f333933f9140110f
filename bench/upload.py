"""Uploads: a 50 MB form through the portal's streaming reader, against a raw copy.

One uvicorn process (pinned like the other HTTP phases) serves two routes behind the
portal's middleware (security headers, CSRF): ``/upload`` reads the form with
``receive_attachments`` (multipart parsing, the limits, type sniffing, SHA-256, the
filesystem blob store with fsync, a row per file in SQLite); ``/raw`` copies the request
body into a file with no checks at all. The same 50 MB form (three files of 20, 20 and
10 MB: one article's most) is sent to each in turn, interleaved. Targets: the upload
route's throughput at least half the raw copy's, and the server's resident memory growing
by at most 10 MB during an upload (VmHWM after resetting it through ``clear_refs``).

    python -m bench.upload [--repetitions 3]        (the client; starts its own server)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .http_load import HOST, ROOT, SERVER_CPU, child_env, pinned

SECRET_KEY = "bench-upload-secret-key-" + "x" * 32
ANON = "bench-upload-browser-0001"
BOUNDARY = "----clico-bench-upload-boundary"
MB = 1024 * 1024
FILES = (20, 20, 10)  # MB: the most one article takes
CHUNK = 256 * 1024
Log = Callable[[str], None]


# --- the server ---------------------------------------------------------------------------


def _serve(port: int, data_dir: Path) -> None:
    import re

    import uvicorn
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from clico_adapters.compose import Schema, build
    from clico_adapters.config import Settings
    from clico_core.errors import ClicoError
    from clico_core.services import CreateStaff, Viewer
    from clico_core.tickets import TicketScope
    from clico_web.attachments import receive_attachments
    from clico_web.security.csrf import CsrfMiddleware
    from clico_web.security.headers import SecurityHeadersMiddleware

    settings = Settings(base_url=f"http://{HOST}:{port}", secret_key=SECRET_KEY,
                        data_dir=data_dir, start_mail_worker=False)
    services = build(settings, schema=Schema.UPGRADE).services
    account, _ = services.create_staff_account(CreateStaff("bench@example.com", "Bench",
                                                           "Upload"))
    viewer = Viewer(account, "", (), TicketScope(frozenset(), everything=True))
    raw_file = data_dir / "raw-copy"

    async def upload(request: Request) -> Response:
        try:
            form = await receive_attachments(request, services, viewer)
        except ClicoError as error:
            return PlainTextResponse(error.code, status_code=400)
        return JSONResponse({"stored": sum(a.size for a in form.files)})

    async def raw(request: Request) -> Response:
        size = 0
        with raw_file.open("wb") as handle:
            async for chunk in request.stream():
                handle.write(chunk)
                size += len(chunk)
        return JSONResponse({"stored": size})

    async def clear(request: Request) -> Response:
        shutil.rmtree(data_dir / "blobs", ignore_errors=True)
        raw_file.unlink(missing_ok=True)
        return PlainTextResponse("ok")

    async def csrf_refused(request: Request, status: int) -> Response:
        return PlainTextResponse("refused", status_code=status)

    app = Starlette(routes=[
        Route("/upload", upload, methods=["POST"]), Route("/raw", raw, methods=["POST"]),
        Route("/_bench/clear", clear),
    ], middleware=[
        Middleware(SecurityHeadersMiddleware, https=False),
        Middleware(CsrfMiddleware, settings=settings, refuse=csrf_refused,
                   upload_paths=(re.compile("/upload"), re.compile("/raw"))),
    ])
    uvicorn.run(app, host=HOST, port=port, workers=1, lifespan="off", access_log=False,
                log_level="warning", server_header=False)


# --- the client ---------------------------------------------------------------------------


def _token() -> str:
    from clico_web.security.csrf import csrf_token

    return csrf_token(SECRET_KEY.encode(), ANON, "")


def _form(sizes: tuple[int, ...]) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """The form's length and a maker of its chunks (random-looking bytes, a different head
    per file so that the store keeps three blobs)."""
    block = os.urandom(CHUNK)
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{_token()}\r\n").encode()
    parts = [(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
              f"filename=\"dump-{i}.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
              ).encode() for i in range(len(sizes))]
    tail = f"--{BOUNDARY}--\r\n".encode()
    length = len(head) + sum(len(p) + size * MB + 2 for p, size in zip(parts, sizes,
                                                                      strict=True)) + len(tail)

    def chunks() -> Iterator[bytes]:
        yield head
        for index, (part, size) in enumerate(zip(parts, sizes, strict=True)):
            yield part
            yield bytes([index]) + block[1:]
            for _ in range(size * MB // CHUNK - 1):
                yield block
            yield b"\r\n"
        yield tail

    return length, chunks


def _post(port: int, path: str, length: int, chunks: Iterator[bytes]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    try:
        connection.putrequest("POST", path)
        for name, value in (("Content-Type", f"multipart/form-data; boundary={BOUNDARY}"),
                            ("Content-Length", str(length)),
                            ("Cookie", f"clico_anon={ANON}")):
            connection.putheader(name, value)
        connection.endheaders()
        for chunk in chunks:
            connection.send(chunk)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _memory(pid: int, field: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


def _reset_peak(pid: int) -> None:
    """Make VmHWM the current resident size (Linux ``clear_refs``)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


class _Server:
    def __init__(self) -> None:
        from .http_load import _free_port

        self.port = _free_port()
        self.data_dir = tempfile.mkdtemp(prefix="clico-bench-upload-")
        self.process = subprocess.Popen(pinned(SERVER_CPU, [
            sys.executable, "-m", "bench.upload", "--serve", "--port", str(self.port),
            "--data-dir", self.data_dir]), cwd=ROOT, env=child_env())
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/_bench/clear")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the upload bench server did not start")
            time.sleep(0.2)

    @property
    def pid(self) -> int:
        """The Python process (taskset execs it, so the pid is the same)."""
        return self.process.pid

    def clear(self) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        connection.request("GET", "/_bench/clear")
        connection.getresponse().read()
        connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _once(server: _Server, path: str, length: int,
          chunks: Callable[[], Iterator[bytes]]) -> dict[str, float]:
    server.clear()
    before = _memory(server.pid, "VmRSS")
    _reset_peak(server.pid)
    started = time.perf_counter()
    status, body = _post(server.port, path, length, chunks())
    seconds = time.perf_counter() - started
    if status != 200 or json.loads(body)["stored"] < sum(FILES) * MB:
        raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
    return {"seconds": seconds, "mb_per_s": length / MB / seconds,
            "rss_before_mb": before, "rss_growth_mb": _memory(server.pid, "VmHWM") - before}


def measure(log: Log, repetitions: int = 3) -> dict[str, Any]:
    """Interleaved uploads of one 50 MB form to ``/raw`` and ``/upload``: medians."""
    length, chunks = _form(FILES)
    server = _Server()
    try:
        small_length, small = _form((1, 1, 1))
        for path in ("/raw", "/upload"):  # warm-up: imports, threads, the first blob folders
            _post(server.port, path, small_length, small())
        runs: dict[str, list[dict[str, float]]] = {"/raw": [], "/upload": []}
        for index in range(repetitions):
            for path in (("/raw", "/upload") if index % 2 == 0 else ("/upload", "/raw")):
                run = _once(server, path, length, chunks)
                runs[path].append(run)
                log(f"  {path}: {run['mb_per_s']:.0f} MB/s, RSS +{run['rss_growth_mb']:.1f} MB")
    finally:
        server.stop()

    def median(path: str, key: str) -> float:
        return round(statistics.median(r[key] for r in runs[path]), 2)

    raw_rate, upload_rate = median("/raw", "mb_per_s"), median("/upload", "mb_per_s")
    return {
        "megabytes": round(length / MB, 1), "repetitions": repetitions,
        "raw_mb_per_s": raw_rate, "upload_mb_per_s": upload_rate,
        "ratio": round(upload_rate / raw_rate, 2) if raw_rate else 0.0,
        "upload_rss_growth_mb": round(max(r["rss_growth_mb"] for r in runs["/upload"]), 1),
        "raw_rss_growth_mb": round(max(r["rss_growth_mb"] for r in runs["/raw"]), 1),
        "rss_before_mb": median("/upload", "rss_before_mb"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.port, Path(args.data_dir))
        return
    result = measure(lambda message: print(message, flush=True), args.repetitions)
    print(json.dumps(result, indent=1))
    from .report import upload_checks

    for check in upload_checks(result):
        print(f"{check.target}: {check.measured} (limit {check.limit}) {check.verdict}")


if __name__ == "__main__":
    main()
