"""A file's media type from its first bytes: our own executable signatures, then filetype.

filetype (pure Python, no dependencies, MIT) matches magic numbers in the first 261 bytes
and answers one MIME type or nothing. We checked puremagic too: for ELF and PE files it
answers an empty MIME type with a list of unrelated guesses, and its 2.x line needs a newer
Python. Executables are recognised here before filetype is asked, so the blocklist does
not depend on its version: PE (``MZ``), ELF, Mach-O (thin and universal, whose magic Java
classes share: both are refused) and scripts starting with ``#!``.
"""

from __future__ import annotations

import filetype

PE = "application/x-msdownload"
ELF = "application/x-executable"
MACH_O = "application/x-mach-binary"
SCRIPT = "text/x-shellscript"

# ``MZ`` alone, as filetype does: a text that begins with those two letters is refused
# too, which is the safe way to be wrong.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", PE),
    (b"\x7fELF", ELF),
    (b"\xfe\xed\xfa\xce", MACH_O), (b"\xce\xfa\xed\xfe", MACH_O),
    (b"\xfe\xed\xfa\xcf", MACH_O), (b"\xcf\xfa\xed\xfe", MACH_O),
    (b"\xca\xfe\xba\xbe", MACH_O), (b"\xbe\xba\xfe\xca", MACH_O),
    (b"#!", SCRIPT),
)
_BOM = b"\xef\xbb\xbf"


def sniff_type(head: bytes) -> str | None:
    """The media type of a file starting with ``head``, or None when no signature matches
    (a ``clico_core.ports.TypeSniffer``)."""
    body = head[len(_BOM):] if head.startswith(_BOM) else head
    for magic, media_type in _SIGNATURES:
        if body.startswith(magic):
            return media_type
    if not head:
        return None
    kind = filetype.guess(bytes(head))  # bytes, never str: filetype reads a str as a path
    return str(kind.mime) if kind is not None else None

