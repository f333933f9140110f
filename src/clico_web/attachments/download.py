"""Serving an attachment: always a download, never a page of the portal's origin.

``Content-Disposition: attachment`` (with the UTF-8 name), the sniffed type with
``nosniff``, and a CSP that sandboxes the response: even opened directly, a file runs no
script and reaches nothing. Only a raster image may be shown inline, and only to a page of
the portal itself (``Sec-Fetch-Site``, and ``Cross-Origin-Resource-Policy`` for browsers
that embed it elsewhere). Who may download is decided before: ``attachment_for_download``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import StreamingResponse

from clico_core.attachments import PLAIN_TEXT
from clico_core.services import AttachmentDownload

SANDBOX_CSP = "sandbox; default-src 'none'"
_SAME_SITE = ("same-origin", None)


def content_disposition(file_name: str, *, inline: bool = False) -> str:
    """The header with an ASCII fallback name and the exact name as RFC 5987 UTF-8."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isprintable() and c not in '"\\;%' else "_"
                       for c in ascii_name).strip() or "attachment"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def attachment_response(request: Request, download: AttachmentDownload, *,
                        inline: bool = False) -> StreamingResponse:
    """Stream the attachment's bytes with the download headers; ``inline`` is honoured only
    for a raster image asked for by a page of the portal."""
    attachment = download.attachment
    shown_inline = (inline and attachment.inline_image
                    and request.headers.get("sec-fetch-site") in _SAME_SITE)
    media_type = attachment.media_type
    if media_type == PLAIN_TEXT:
        media_type = f"{PLAIN_TEXT}; charset=utf-8"
    headers = {
        "Content-Disposition": content_disposition(attachment.file_name, inline=shown_inline),
        "Content-Length": str(attachment.size),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SANDBOX_CSP,
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(_closing(download.content), media_type=media_type,
                             headers=headers)


def _closing(content: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from content
    finally:
        close = getattr(content, "close", None)
        if close is not None:
            close()
