"""The README's run path end to end: fresh data dir → `clico demo` → `clico serve`; GET /
answers and the demo customer signs in with the code read from the local Maildir."""

from __future__ import annotations

import mailbox
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path

import httpx
import pytest
from attrs import define

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clico() -> str:
    found = shutil.which("clico", path=str(Path(sys.executable).parent))
    assert found, "the clico entry point is installed with the package"
    return found


@define
class Served:
    base: str
    maildir: Path
    mode: str
    log: Path
    server: subprocess.Popen[str]

    def stop(self) -> str:
        """Stop the server; everything it wrote to stdout and stderr."""
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        return self.log.read_text()


@pytest.fixture(params=["demo", "development"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLICO_")}
    env.update({"CLICO_DATA_DIR": str(tmp_path / "var"), "CLICO_MODE": request.param})
    demo = subprocess.run([_clico(), "demo"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert demo.returncode == 0, demo.stderr
    assert "demo / Zielona herbata 2026" in demo.stdout
    port = _free_port()
    env["CLICO_BASE_URL"] = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen([_clico(), "serve", "--port", str(port)], env=env,
                                  stdout=output, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{port}", tmp_path / "var" / "mail", request.param, log,
                    server)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(served.base + "/signin", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"server did not start: {served.stop()}") from None
                time.sleep(0.2)
        yield served
    finally:
        served.stop()


def _code_from_maildir(path: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (path / "new").exists():
            for message in mailbox.Maildir(path, create=False):
                subject = str(make_header(decode_header(message["Subject"] or "")))
                if "demo@example.com" in (message["To"] or "") and "Kod logowania" in subject:
                    for part in message.walk():
                        if part.get_content_type() == "text/plain":
                            body = part.get_payload(decode=True).decode()
                            found = re.search(r"\b(\d{6})\b", body)
                            if found:
                                return found.group(1)
        time.sleep(0.3)
    raise AssertionError("no sign-in code arrived in the Maildir")


def test_demo_then_serve_then_sign_in(served: Served) -> None:
    """The README's run path; in demo mode (only) the server's log shows the sign-in code."""
    base, maildir = served.base, served.maildir
    with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as client:
        assert client.get("/").status_code == 200
        form = client.get("/signin")
        token = CSRF.search(form.text)
        assert token is not None
        step = client.post("/signin", data={"csrf_token": token.group(1), "login": "demo",
                                            "password": "Zielona herbata 2026"},
                           headers={"Origin": base})
        assert step.status_code == 200 and "/signin/code" in str(step.url)
        code = _code_from_maildir(maildir)
        token = CSRF.search(step.text)
        assert token is not None
        done = client.post("/signin/code", data={"csrf_token": token.group(1), "code": code},
                           headers={"Origin": base})
        assert done.status_code == 200, done.text[:500]
        assert "Tunel IPsec do oddziału" in done.text  # a demo ticket on the home page
        client.get("/password/reset/NotARealTokenButShapedLikeOne0123")
    log = served.stop()
    # links stay redacted in every mode; only the demo adds the code
    assert "NotARealTokenButShapedLikeOne0123" not in log
    assert "/password/reset/[redacted]" in log, log
    shown = re.findall(r"demo: sign-in code for demo@example\.com is (\d{6})", log)
    if served.mode == "demo":
        assert shown == [code], log
    else:
        assert shown == [] and not re.search(rf"\b{code}\b", log), log


def _text_to(path: Path, address: str, subject_part: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (path / "new").exists():
            for message in mailbox.Maildir(path, create=False):
                subject = str(make_header(decode_header(message["Subject"] or "")))
                if address in (message["To"] or "") and subject_part in subject:
                    return next(part.get_payload(decode=True).decode()
                                for part in message.walk()
                                if part.get_content_type() == "text/plain")
        time.sleep(0.3)
    raise AssertionError(f"no {subject_part!r} mail to {address} arrived")


def test_serve_with_workers_hands_its_settings_to_every_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLICO_")}
    env.update({"CLICO_DATA_DIR": str(tmp_path / "var"), "CLICO_MODE": "demo"})
    subprocess.run([_clico(), "demo"], env=env, capture_output=True, timeout=120, check=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"  # not configured: serve derives it from --host/--port
    log = tmp_path / "server.log"
    with log.open("w") as stderr:
        server = subprocess.Popen([_clico(), "serve", "--port", str(port), "--workers", "2"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 90
        while len(set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))) < 2:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"two server processes did not start: {log.read_text()}")
            time.sleep(0.2)
        with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as client:
            form = client.get("/signin")
            token = CSRF.search(form.text)
            assert token is not None
            step = client.post("/signin", data={"csrf_token": token.group(1), "login": "demo",
                                                "password": "Zielona herbata 2026"},
                               headers={"Origin": base})
            assert step.status_code == 200 and "/signin/code" in str(step.url)
            body = _text_to(tmp_path / "var" / "mail", "demo@example.com", "Kod logowania")
            assert f"Portal: {base}\n" in body  # the derived base URL reached the worker
            code = re.search(r"\b(\d{6})\b", body)
            token = CSRF.search(step.text)
            assert code is not None and token is not None
            done = client.post("/signin/code", data={"csrf_token": token.group(1),
                                                     "code": code.group(1)},
                               headers={"Origin": base})
            assert done.status_code == 200 and "Tunel IPsec do oddziału" in done.text
            for _ in range(4):  # whichever process answers knows the session
                assert "Tunel IPsec do oddziału" in client.get("/tickets").text
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
