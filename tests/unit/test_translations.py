"""One translation system: the portal and the mails share gettext catalogs, complete in both
languages; a label lives in one catalog; every mail renders in Polish and in English."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from clico_adapters.i18n import LABELS, LANGUAGES, CatalogFile
from clico_adapters.i18n.labels import TICKET_KIND_LABELS, TICKET_STATUS_LABELS
from clico_adapters.mail import MailRenderer
from clico_adapters.mail.renderer import MAIL_CATALOGS
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_core.mail import THREAD_KEY, MailTemplate, OutgoingMail
from clico_core.tickets import TicketKind, TicketStatus
from clico_core.values import Language
from clico_web.i18n import CATALOG_FILES

ROOT = Path(__file__).resolve().parents[2]
MAIL = MAIL_CATALOGS[0]
WEB = [c for c in CATALOG_FILES if c != LABELS]
ALL = [*WEB, LABELS, MAIL]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def messages(catalog: CatalogFile, language: str) -> dict[str, Message]:
    with catalog.path(language).open("rb") as handle:
        return {msgid(m): m for m in read_po(handle, locale=language) if m.id}


def msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def strings(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def ids(catalog: CatalogFile) -> set[str]:
    return set(messages(catalog, "en"))


def extracted() -> dict[str, set[str]]:
    """msgid → the source files using it, found as ``pybabel extract`` finds them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    settings = config["tool"]["babel"]["extract_messages"]
    with (ROOT / settings["mapping_file"]).open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, set[str]] = defaultdict(set)
    for input_path in settings["input_paths"]:
        for filename, _, message, _, _ in extract_from_dir(ROOT / input_path, method_map,
                                                           options_map):
            found[message if isinstance(message, str) else message[0]].add(filename)
    return found


@pytest.mark.parametrize("catalog", ALL, ids=lambda c: c.domain)
def test_every_msgid_has_a_polish_and_an_english_translation(catalog: CatalogFile) -> None:
    polish, english = messages(catalog, "pl"), messages(catalog, "en")
    assert polish.keys() == english.keys()
    for language, catalog_messages in (("pl", polish), ("en", english)):
        for key, message in catalog_messages.items():
            assert all(strings(message)), (language, key)
            assert not message.fuzzy, (language, key)
            wanted = set(PLACEHOLDER.findall(" ".join(
                message.id if isinstance(message.id, tuple) else (message.id,))))
            for string in strings(message):
                assert set(PLACEHOLDER.findall(string)) == wanted, (language, key, string)


def test_a_msgid_lives_in_one_catalog() -> None:
    web = set().union(*(ids(c) for c in WEB))
    labels, mail = ids(LABELS), ids(MAIL)
    assert not labels & web, "move these from the portal's catalogs to labels.po"
    assert not labels & mail, "keep these in labels.po only"
    assert not mail & web, "the mails and the portal share these: move them to labels.po"


def test_everything_the_sources_show_is_in_a_catalog() -> None:
    shown = extracted()
    every = set().union(*(ids(c) for c in ALL))
    missing = {m: sorted(files) for m, files in shown.items() if m not in every}
    assert not missing


def test_the_shared_catalogs_hold_exactly_what_the_sources_use() -> None:
    shown = extracted()

    def used_by(msg: str, part: str) -> bool:
        return any(name.startswith(part) for name in shown.get(msg, ()))

    labels_py = {m for m in shown if used_by(m, "clico_adapters/i18n/")}
    mails = {m for m in shown if used_by(m, "clico_adapters/mail/")}
    both = {m for m in mails if used_by(m, "clico_web/")}
    assert ids(LABELS) == labels_py | both
    assert ids(MAIL) == mails - ids(LABELS)


def test_every_ticket_kind_and_status_has_its_label() -> None:
    assert set(TICKET_KIND_LABELS) == {k.value for k in TicketKind}
    assert set(TICKET_STATUS_LABELS) == {s.value for s in TicketStatus}
    labels = ids(LABELS)
    assert {*TICKET_KIND_LABELS.values(), *TICKET_STATUS_LABELS.values()} <= labels


# --- the mails in both languages ----------------------------------------------------------

def variants() -> Iterator[tuple[MailTemplate, Mapping[str, str]]]:
    """Every message with its sample context, and each branch a template takes."""
    for template in MailTemplate:
        yield template, SAMPLE_CONTEXTS[template]
    yield MailTemplate.TWO_FACTOR_CHANGED, {**SAMPLE_CONTEXTS[MailTemplate.TWO_FACTOR_CHANGED],
                                            "enabled": "no"}
    for kind in TicketKind:
        yield MailTemplate.TICKET_CREATED, {**SAMPLE_CONTEXTS[MailTemplate.TICKET_CREATED],
                                            "kind": kind.value}
    for status in TicketStatus:
        yield MailTemplate.TICKET_CHANGED, {**SAMPLE_CONTEXTS[MailTemplate.TICKET_CHANGED],
                                            "status": status.value}
    # a customer's reply mailed to the support inbox greets no one by name
    yield MailTemplate.TICKET_REPLY, {**SAMPLE_CONTEXTS[MailTemplate.TICKET_REPLY], "name": ""}


def english_phrases() -> set[str]:
    """The English text of every message whose Polish differs, cut at its placeholders."""
    found: set[str] = set()
    for catalog in (MAIL, LABELS):
        polish = messages(catalog, "pl")
        for key, message in messages(catalog, "en").items():
            if strings(message) != strings(polish[key]):
                for text in strings(message):
                    found.update(p.strip(" ,.:()“”") for p in re.split(r"%\(\w+\)[sd]", text))
    return {p for p in found if re.search(r"[A-Za-z]{3}", p)}


RENDERER = MailRenderer("https://support.example.com")
ENGLISH = english_phrases()


@pytest.mark.parametrize(("template", "context"), list(variants()),
                         ids=lambda v: v.value if isinstance(v, MailTemplate) else "")
def test_every_mail_renders_in_polish_and_english_and_they_differ(
        template: MailTemplate, context: Mapping[str, str]) -> None:
    polish, english = (RENDERER.render_parts(OutgoingMail(template, "a@example.com", lang,
                                                          context))
                       for lang in (Language.PL, Language.EN))
    # a ticket's mails share one subject in every language, "[number] the ticket's subject",
    # so mail clients thread them (docs/mail.md, "Threads"); nothing in it is translated
    threaded = THREAD_KEY in context
    assert (polish.subject == english.subject) is threaded
    for part in ("subject", "text", "html"):
        if not (threaded and part == "subject"):
            assert getattr(polish, part) != getattr(english, part), part
        pl_text = getattr(polish, part)
        leaked = sorted(p for p in ENGLISH if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", pl_text))
        assert not leaked, (part, leaked)


def test_the_languages_of_the_catalogs_are_the_core_languages() -> None:
    assert set(LANGUAGES) == {language.value for language in Language}
