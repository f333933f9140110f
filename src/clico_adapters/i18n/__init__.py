"""Gettext catalogs, compiled in memory from their ``.po`` files, for the web and the mails.

The ``.po`` files are the only source of truth: ``read_po`` then ``write_mo`` into a buffer
takes milliseconds at start-up, so no binary ``.mo`` file is committed or can drift from its
``.po``. ``LABELS`` is the catalog of the words both the portal's pages and the mails show
(ticket kinds and statuses, section names, the password links); its msgids are in ``labels.py``
and in the templates that use them. ``pybabel extract`` (configured in ``pyproject.toml``
and ``babel.cfg``) collects every msgid of the web and the mails into one ``.pot``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from attrs import frozen
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("pl", "en")


@frozen
class CatalogFile:
    """One gettext domain: ``<directory>/<language>/LC_MESSAGES/<domain>.po``."""

    directory: Path
    domain: str

    def path(self, language: str) -> Path:
        return self.directory / language / "LC_MESSAGES" / f"{self.domain}.po"


LABELS = CatalogFile(Path(__file__).parent / "locale", "labels")


def compile_catalog(path: Path, language: str) -> Translations:
    """One ``.po`` file as ``Translations``, compiled in memory."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def load_translations(language: str, catalogs: Sequence[CatalogFile]) -> Translations:
    """The catalogs of ``language``, merged into the first (a msgid lives in one of them)."""
    first, *rest = catalogs
    translations = compile_catalog(first.path(language), language)
    for catalog in rest:
        translations.merge(compile_catalog(catalog.path(language), language))
    return translations
