"""Uploads stream through the reader into the blob store; limits hold mid-stream with
memory bounded; the CSRF check reads only the first field; downloads carry safe headers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import tracemalloc
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.requests import ClientDisconnect
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; httpx (a dev dependency) still works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from clico_adapters.attachments import FilesystemBlobStore
from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SystemClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.attachments import MB
from clico_web import Settings
from clico_web.security.csrf import CsrfMiddleware

from ..support import World
from .upload_support import (
    BOUNDARY,
    Answer,
    end,
    file_part,
    filler,
    post,
    text_part,
    token,
    upload_app,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def blob_dir(tmp_path: Path) -> Path:
    return tmp_path / "blobs"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(base_url="http://testserver", secret_key="k" * 40, data_dir=tmp_path,
                    start_mail_worker=False)


@pytest.fixture
def app(settings: Settings, hasher: Argon2Hasher, store: MemoryStore,
        blob_dir: Path) -> Starlette:
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store), clock=SystemClock(),
                         secrets=SeededSecrets(3), hasher=hasher,
                         blobs=FilesystemBlobStore(blob_dir))
    world = World(services, SystemClock(), MemoryMailQueue(store),  # type: ignore[arg-type]
                  today=datetime.now(UTC).date())
    contract = world.issue(days=30, valid_from=date(2020, 1, 1))
    world.register("jan", contract=contract)
    world.register("ewa", contract=contract)
    return upload_app(settings, services, {"jan": world.viewer("jan"),
                                           "ewa": world.viewer("ewa")})


def form(settings: Settings, *parts: bytes | Iterator[bytes]) -> Iterator[bytes]:
    yield text_part("csrf_token", token(settings))
    for part in parts:
        if isinstance(part, bytes):
            yield part
        else:
            yield from part
    yield end()


def send(app: Starlette, pieces: Iterator[bytes], path: str = "/upload", **kwargs: object
         ) -> Answer:
    return asyncio.run(post(app, path, pieces, **kwargs))  # type: ignore[arg-type]


def blob_files(blob_dir: Path) -> list[Path]:
    return [p for p in blob_dir.rglob("*") if p.is_file()] if blob_dir.exists() else []


def test_a_form_with_files_is_stored_and_read_back(app: Starlette, settings: Settings,
                                                   blob_dir: Path) -> None:
    log = b"line\n" * 50_000
    answer = send(app, form(settings, text_part("body", "Zażółć gęślą jaźń"),
                            file_part("files", "screen.png", [PNG]),
                            file_part("files", "router.log", filler(len(log), log)),
                            file_part("files", "", [])))  # no file chosen: no part kept
    assert answer.status == 200, answer.body
    result = json.loads(answer.body)
    assert result["fields"] == [["csrf_token", token(settings)], ["body", "Zażółć gęślą jaźń"]]
    assert [(f["name"], f["size"], f["type"]) for f in result["files"]] == [
        ("screen.png", len(PNG), "image/png"), ("router.log", len(log), "text/plain")]
    assert len(blob_files(blob_dir)) == 2


def test_a_file_over_20_mb_is_refused_after_about_20_mb_with_memory_bounded(
        app: Starlette, settings: Settings, blob_dir: Path, store: MemoryStore) -> None:
    tracemalloc.start()
    try:
        answer = send(app, form(settings, file_part("files", "dump.bin", filler(25 * MB))))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status == 413
    assert answer.body.decode() == "The file dump.bin is larger than 20 MB."
    assert 20 * MB < answer.sent < 21 * MB  # stopped at the limit, not at the end
    assert peak < 3 * MB, f"peak {peak / MB:.1f} MB while streaming 25 MB"
    assert blob_files(blob_dir) == []  # nothing half-written
    assert store.attachments == {}


def test_an_accepted_upload_is_not_buffered_either(app: Starlette, settings: Settings) -> None:
    tracemalloc.start()
    try:
        answer = send(app, form(settings, file_part("files", "big.log", filler(19 * MB))))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status == 200
    assert json.loads(answer.body)["files"][0]["size"] == 19 * MB
    assert peak < 3 * MB, f"peak {peak / MB:.1f} MB while streaming 19 MB"


def test_the_files_of_a_form_share_the_50_mb_limit_and_a_refusal_keeps_none(
        app: Starlette, settings: Settings, store: MemoryStore) -> None:
    answer = send(app, form(settings, *(file_part("files", f"part{i}.bin", filler(18 * MB))
                                        for i in range(3))))
    assert answer.status == 413
    assert answer.body.decode() == (
        "The attached files are larger than 50 MB together (part2.bin did not fit).")
    assert store.attachments == {}  # the two stored first were discarded with the form


def test_an_executable_under_an_innocent_name_is_refused(
        app: Starlette, settings: Settings, store: MemoryStore, blob_dir: Path) -> None:
    answer = send(app, form(settings, file_part("files", "notes.txt", [b"fine"]),
                            file_part("files", "invoice.pdf", [ELF])))
    assert answer.status == 415
    assert answer.body.decode() == ("The file invoice.pdf cannot be attached: programs and "
                                    "scripts are not accepted.")
    assert store.attachments == {}


def test_a_client_gone_mid_file_leaves_nothing_behind(
        app: Starlette, settings: Settings, store: MemoryStore, blob_dir: Path) -> None:
    pieces = form(settings, file_part("files", "first.log", filler(MB)),
                  file_part("files", "second.log", filler(10 * MB)))
    with pytest.raises(ClientDisconnect):
        send(app, pieces, disconnect_after=5 * MB)
    assert store.attachments == {}  # the complete first file went with the form
    assert [p.name for p in blob_files(blob_dir)] == [
        hashlib.sha256(b"x" * MB).hexdigest()]  # its bytes wait for the sweep; no partial one
    assert list((blob_dir / "incoming").iterdir()) == []


def test_more_than_20_files_are_refused(app: Starlette, settings: Settings,
                                        store: MemoryStore) -> None:
    answer = send(app, form(settings, *(file_part("files", f"{i}.txt", [b"x"])
                                        for i in range(21))))
    assert answer.status == 413
    assert answer.body.decode() == "At most 20 files can be attached."
    assert store.attachments == {}


def test_a_declared_body_over_the_limit_is_refused_before_reading(
        app: Starlette, settings: Settings) -> None:
    answer = send(app, form(settings), total=52 * MB)
    assert answer.status == 413
    assert answer.sent < 64 * 1024  # the first field for the CSRF check, nothing more


@pytest.mark.parametrize("part", [
    f"--{BOUNDARY}\r\nContent-Disposition: attachment\r\n\r\nx\r\n",  # not form-data
    f"--{BOUNDARY}\r\nno colon in this header\r\n\r\nx\r\n",
    f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n\xff\xfe\r\n",
    f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nx",
])
def test_a_malformed_form_is_a_400(app: Starlette, settings: Settings, part: str,
                                   store: MemoryStore) -> None:
    pieces = iter([text_part("csrf_token", token(settings)), part.encode("latin-1")])
    assert send(app, pieces).status == 400
    assert store.attachments == {}


# --- CSRF ----------------------------------------------------------------------------


def test_the_csrf_token_must_be_the_first_field_of_an_upload(app: Starlette,
                                                             settings: Settings) -> None:
    good = token(settings)
    late = iter([text_part("body", "hi"), text_part("csrf_token", good), end()])
    assert send(app, late).status == 403
    wrong = iter([text_part("csrf_token", "0" * 64), end()])
    assert send(app, wrong).status == 403
    as_file = file_part("csrf_token", "t.txt", [good.encode()])
    assert send(app, iter([*as_file, end()])).status == 403
    missing = iter([end()])
    assert send(app, missing).status == 403
    assert send(app, form(settings), cookie=False).status == 403  # a new browser


def test_a_script_may_send_the_token_in_a_header(app: Starlette, settings: Settings) -> None:
    pieces = iter([*file_part("files", "a.txt", [b"a"]), end()])
    answer = send(app, pieces, headers={"X-CSRF-Token": token(settings)})
    assert answer.status == 200
    wrong = iter([text_part("csrf_token", token(settings)), end()])
    assert send(app, wrong, headers={"X-CSRF-Token": "0" * 64}).status == 403


def test_the_check_reads_only_the_first_field_before_the_upload_streams(
        settings: Settings) -> None:
    seen: list[bytes] = []

    async def handler(scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()  # what the middleware replays: only what it read
        seen.append(message["body"])
        await PlainTextResponse("ok")(scope, receive, send)

    app = CsrfMiddleware(handler, settings=settings, refuse=None,  # type: ignore[arg-type]
                         upload_paths=(re.compile("/upload"),))
    answer = asyncio.run(post(app, "/upload", form(settings, file_part(
        "files", "big.log", filler(2 * MB)))))
    assert answer.status == 200
    assert answer.sent == 64 * 1024  # one chunk of the 2 MB was read before the handler ran
    assert seen[0].startswith(text_part("csrf_token", token(settings)))


def test_a_multipart_body_anywhere_else_is_refused(app: Starlette, settings: Settings) -> None:
    answer = send(app, form(settings, file_part("files", "a.txt", [b"a"])), path="/elsewhere")
    assert answer.status == 403


# --- downloads -----------------------------------------------------------------------


def _upload(app: Starlette, settings: Settings, name: str, content: bytes) -> str:
    answer = send(app, form(settings, file_part("files", name, [content])))
    assert answer.status == 200, answer.body
    return str(json.loads(answer.body)["files"][0]["id"])


def _get(app: Starlette, path: str, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    with TestClient(app, base_url="http://testserver") as client:
        response = client.get(path, headers=headers or {})
        return response.status_code, dict(response.headers), response.content


def test_a_download_is_an_attachment_with_sandboxing_headers(app: Starlette,
                                                             settings: Settings) -> None:
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    attachment_id = _upload(app, settings, "Raport – łącze \"1\".html", html)
    status, headers, body = _get(app, f"/files/{attachment_id}")
    assert status == 200 and body == html
    assert headers["content-disposition"] == (
        "attachment; filename=\"Raport  acze _1_.html\"; "  # the ASCII fallback
        "filename*=UTF-8''Raport%20%E2%80%93%20%C5%82%C4%85cze%20_1_.html")
    assert headers["content-type"] == "text/plain; charset=utf-8"  # sniffed, not text/html
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert headers["cross-origin-resource-policy"] == "same-origin"
    assert headers["cache-control"] == "private, no-store"
    assert headers["content-length"] == str(len(html))


def test_only_a_raster_image_asked_for_by_the_portal_is_inline(app: Starlette,
                                                               settings: Settings) -> None:
    png = _upload(app, settings, "screen.png", PNG)
    svg = _upload(app, settings, "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    same = {"Sec-Fetch-Site": "same-origin"}
    assert _get(app, f"/files/{png}?inline=1", same)[1]["content-disposition"].startswith(
        "inline;")
    assert _get(app, f"/files/{png}?inline=1", same)[1]["content-type"] == "image/png"
    for path, headers in ((f"/files/{png}?inline=1", {"Sec-Fetch-Site": "cross-site"}),
                          (f"/files/{png}", same), (f"/files/{svg}?inline=1", same)):
        assert _get(app, path, headers)[1]["content-disposition"].startswith("attachment;")


def test_another_viewer_cannot_download_an_upload(app: Starlette, settings: Settings) -> None:
    attachment_id = _upload(app, settings, "mine.txt", b"private")
    assert _get(app, f"/files/{attachment_id}?as=ewa")[0] == 404
    assert _get(app, "/files/unknown")[0] == 404
    digest = hashlib.sha256(b"private").hexdigest()
    assert _get(app, f"/files/{digest}")[0] == 404  # a digest is not an id
