"""The README's run path end to end: fresh data dir → `clico demo` → `clico serve`; GET /
answers and the demo customer signs in with the code read from the local Maildir."""

from __future__ import annotations

import mailbox
import re
import time
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path

import httpx
import pytest
from attrs import define

from .served import Served, all_started, clico_env, run_clico, serving

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@define
class DemoServed:
    served: Served
    maildir: Path
    mode: str

    @property
    def base(self) -> str:
        return self.served.base

    def stop(self) -> str:
        return self.served.stop()


@pytest.fixture(params=["demo", "development"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DemoServed]:
    env = clico_env(tmp_path / "var", CLICO_MODE=request.param)
    demo = run_clico(env, "demo")
    assert "demo / Zielona herbata 2026" in demo.stdout
    with serving(env, tmp_path / "server.log") as running:
        yield DemoServed(running, tmp_path / "var" / "mail", request.param)


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


def test_demo_then_serve_then_sign_in(served: DemoServed) -> None:
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
    env = clico_env(tmp_path / "var", CLICO_MODE="demo")
    run_clico(env, "demo")
    # the base URL is not configured: serve derives it from --host/--port
    with serving(env, tmp_path / "server.log", "--workers", "2", ready=all_started(2),
                 timeout=90) as running, \
            httpx.Client(base_url=running.base, follow_redirects=True, timeout=30) as client:
        base = running.base
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
