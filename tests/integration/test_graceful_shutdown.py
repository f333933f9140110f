"""SIGTERM to ``clico serve`` while a request is in flight (its body still arriving): the
request is answered in full, new connections are refused, the server exits by itself."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from .process_support import CSRF, portal_env
from .served import serving
from .smtp import SmtpServer

BODY_DELAY = 2.0  # seconds the client takes to send the rest of its form


def test_sigterm_lets_the_request_in_flight_finish(database_url: str, smtp_server: SmtpServer,
                                                   tmp_path: Path) -> None:
    env = portal_env(tmp_path, database_url, smtp_server)
    with serving(env, tmp_path / "server.log") as served, httpx.Client(timeout=30) as client:
        token = CSRF.search(client.get(served.base + "/signin").text)
        assert token
        sent_first_part = threading.Event()

        def slow_body() -> Iterator[bytes]:
            yield f"csrf_token={token.group(1)}&login=nobody".encode()
            sent_first_part.set()
            time.sleep(BODY_DELAY)
            yield b"&password=not+the+password"

        answers: list[httpx.Response | Exception] = []

        def post() -> None:
            try:
                answers.append(client.post(
                    served.base + "/signin", content=slow_body(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"}))
            except Exception as error:  # the test reports it below
                answers.append(error)

        poster = threading.Thread(target=post)
        poster.start()
        assert sent_first_part.wait(10)
        time.sleep(0.3)
        stopped_at = time.monotonic()
        served.process.terminate()
        poster.join(30)
        assert len(answers) == 1 and isinstance(answers[0], httpx.Response), answers
        assert answers[0].status_code == 400  # the wrong password's page, in full
        assert "Traceback" not in answers[0].text
        # uvicorn re-raises the signal once shut down: the exit says what stopped it
        assert served.process.wait(25) in (0, -signal.SIGTERM)
        assert time.monotonic() - stopped_at >= BODY_DELAY - 0.5  # it waited for the request
        try:
            httpx.get(served.base + "/signin", timeout=2)
            raise AssertionError("a stopped server answered")
        except httpx.TransportError:
            pass
