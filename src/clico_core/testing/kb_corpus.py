"""A fixed ``Baza Wiedzy`` corpus with known best answers (the ranking contract every
engine is held to), and Hypothesis strategies for random corpora, readers and typed text."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import strategies as st

from ..kb import KbArticle, KbStatus, KbText, Reader, Visibility
from ..values import Language
from . import builders as b

PL, EN = Language.PL, Language.EN
_numbers = itertools.count(1)


def kb_id(name: str) -> str:
    """Article ids are lowercase hex-like text (as ``SecretGenerator.new_id`` makes them)."""
    return f"{name}{next(_numbers):012x}"


def kb_article(author_id: str, texts: list[tuple[Language, str, str]], *,
               vendors: tuple[str, ...] = (), visibility: Visibility = Visibility.PUBLIC,
               category: str = "", published: bool = True, name: str = "a",
               minutes: int = 0) -> KbArticle:
    at = b.T0 + timedelta(minutes=minutes)
    return KbArticle(kb_id(name), category, vendors, visibility,
                     KbStatus.PUBLISHED if published else KbStatus.DRAFT,
                     tuple(KbText(lang, title, f"<p>{body}</p>") for lang, title, body in texts),
                     author_id, at, at, 1 if published else 0)


def corpus(author_id: str) -> dict[str, KbArticle]:
    """Seven articles: named by what they are about."""
    return {
        "vpn": kb_article(author_id, [
            (PL, "Tunel VPN zrywa się po aktualizacji",
             "Po aktualizacji PAN-OS do 10.2 tunel IPsec zrywa się co godzinę. "
             "Sprawdź czas życia IKE."),
            (EN, "VPN tunnel drops after an upgrade",
             "After upgrading PAN-OS to 10.2 the IPsec tunnel drops every hour. "
             "Check the IKE lifetime.")],
            vendors=("PALO_ALTO",), category="VPN", name="vpn", minutes=1),
        "licence": kb_article(author_id, [
            (PL, "Aktywacja licencji na PA-450",
             "Licencję aktywujesz w Device, Licenses. Bez dostępu do internetu użyj pliku "
             "klucza.")], vendors=("PALO_ALTO",), category="Licencje", name="lic",
            minutes=2),
        "ha": kb_article(author_id, [
            (PL, "Klaster HA: przełączanie awaryjne",
             "Konfiguracja HA active/passive na FortiGate. Po przełączeniu sesje VPN są "
             "odtwarzane.")], vendors=("FORTINET",), visibility=Visibility.CUSTOMERS,
            category="HA", name="ha", minutes=3),
        "nat": kb_article(author_id, [
            (PL, "NAT dla serwera w DMZ",
             "Reguła NAT destination kieruje ruch do serwera; tunel nie jest potrzebny.")],
            vendors=("FORTINET",), category="NAT", name="nat", minutes=4),
        "internal": kb_article(author_id, [
            (PL, "Procedura eskalacji VPN",
             "Gdy tunel VPN zrywa się u klienta, eskaluj do producenta.")],
            vendors=("PALO_ALTO",), visibility=Visibility.INTERNAL, category="VPN",
            name="int", minutes=5),
        "draft": kb_article(author_id, [
            (PL, "Szkic: tunel VPN zrywa się", "Jeszcze nie gotowe.")],
            vendors=("PALO_ALTO",), category="VPN", published=False, name="dra", minutes=6),
        "offline": kb_article(author_id, [
            (EN, "Licence activation offline",
             "Upload the licence key file on the device. VPN is not required.")],
            vendors=("PALO_ALTO",), category="Licencje", name="off", minutes=7),
    }


Expected = list[str | frozenset[str]]
# (reader, language, typed, vendor, category) -> the expected hits, best first; a frozenset
# where the order among them is not part of the contract
EXPECTED: list[tuple[Reader, Language, str, str | None, str | None, Expected]] = [
    (Reader.CUSTOMER, PL, "zrywa sie", None, None, ["vpn"]),
    (Reader.STAFF, PL, "zrywa sie", None, None, ["vpn", "internal"]),
    (Reader.ANONYMOUS, PL, "zrywa się", None, None, ["vpn"]),
    (Reader.ANONYMOUS, PL, "vpn", None, None, ["vpn", "offline"]),
    (Reader.CUSTOMER, PL, "VPN", None, None, ["vpn", frozenset({"ha", "offline"})]),
    (Reader.CUSTOMER, PL, "PA-450", None, None, ["licence"]),
    (Reader.CUSTOMER, PL, '"zrywa się"', None, None, ["vpn"]),
    (Reader.CUSTOMER, PL, '"się zrywa"', None, None, []),
    (Reader.CUSTOMER, PL, "aktualiz", None, None, ["vpn"]),
    (Reader.CUSTOMER, PL, "aktualiz ", None, None, []),
    (Reader.CUSTOMER, PL, "vpn", "FORTINET", None, ["ha"]),
    (Reader.CUSTOMER, PL, "tunel", None, "VPN", ["vpn"]),
    (Reader.CUSTOMER, EN, "tunnel drops", None, None, ["vpn"]),
    (Reader.CUSTOMER, PL, "tunnel", None, None, []),
    (Reader.ANONYMOUS, PL, "HA", None, None, []),
    (Reader.CUSTOMER, PL, "HA", None, None, ["ha"]),
    (Reader.CUSTOMER, PL, "licencji", None, None, ["licence"]),
    (Reader.CUSTOMER, EN, "licence", None, None, ["offline"]),
    (Reader.STAFF, PL, "szkic", None, None, []),
]

readers = st.sampled_from(list(Reader))
languages = st.sampled_from(list(Language))
_words = st.sampled_from(["vpn", "tunel", "zrywa", "się", "ha", "nat", "PA-450", "licencja",
                          "łącze", "aktualizacja", "fortigate"])
texts = st.lists(_words, min_size=1, max_size=8).map(" ".join)


@st.composite
def random_articles(draw: st.DrawFn, author_id: str, category: str) -> list[KbArticle]:
    """A few articles of one (fresh) category, each of any visibility and status."""
    articles = []
    for index in range(draw(st.integers(1, 6))):
        langs = draw(st.sampled_from([[PL], [EN], [PL, EN]]))
        articles.append(kb_article(
            author_id, [(lang, draw(texts), draw(texts)) for lang in langs],
            vendors=draw(st.sampled_from([(), ("PALO_ALTO",), ("FORTINET",)])),
            visibility=draw(st.sampled_from(list(Visibility))), category=category,
            published=draw(st.booleans()), name=f"r{index}"))
    return articles


hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet='"*^:()-+&|!<>\\\'NEAROTAD ;%_', max_size=80),
    st.sampled_from(['"', '""', '"unclosed', "*", "a*", "NEAR(a b)", "a AND OR NOT b",
                     "'; DROP TABLE kb_texts; --", "col:term", "^start", "😀 vpn 🔥",
                     "\u0000", "x" * 10_240, "vpn " * 2_600, "a\\b", "\ud800"]),
)
