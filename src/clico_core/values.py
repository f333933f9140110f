"""Small values shared by the entities: languages, roles, normalised names."""

from __future__ import annotations

import enum
import re
import unicodedata

# IDs are opaque strings made by the SecretGenerator port (hex UUID-like), so the core
# never depends on a database to number things.
CompanyId = str
AccountId = str
ContractId = str
AssetId = str
TicketId = str
SessionId = str
ArticleId = str


class Language(enum.StrEnum):
    PL = "pl"
    EN = "en"


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    ENGINEER = "engineer"
    ADMIN = "admin"


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
# RFC 5322 dot-atom, ASCII only: what every mail server accepts and what a mail header
# cannot reinterpret (no comments, quotes or commas that would send the mail elsewhere).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(rf"^(?=[^@]{{1,64}}@){_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
_LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{2,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: no database or mail header takes them
        return False
    return True


def normalise_email(raw: str) -> str | None:
    """Return the e-mail in canonical form (trimmed, domain lower-cased) or None if invalid."""
    value = unicodedata.normalize("NFKC", raw).strip()
    if len(value) > 254 or not _EMAIL.match(value) or not _encodable(value):
        return None
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def email_key(email: str) -> str:
    """The case-insensitive key under which an e-mail address is unique."""
    return email.casefold()


def normalise_login(raw: str) -> str | None:
    """Return the login trimmed, or None if it is not 3-64 safe characters."""
    value = unicodedata.normalize("NFKC", raw).strip()
    return value if _LOGIN.match(value) else None


def login_key(login: str) -> str:
    """The case-insensitive key under which a login is unique."""
    return login.casefold()


def clean_line(raw: str, max_length: int) -> str | None:
    """One line of text: NFC, trimmed, no control characters, not empty, not too long."""
    value = unicodedata.normalize("NFC", raw).strip()
    if not value or len(value) > max_length or _CONTROL.search(value) or not _encodable(value):
        return None
    return value


def company_key(name: str) -> str:
    """Names differing only in case and spacing are one company."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,32}$")


def normalise_phone(raw: str) -> str | None:
    value = unicodedata.normalize("NFKC", raw).strip()
    return value if _PHONE.match(value) and sum(c.isdigit() for c in value) >= 5 else None


def lookup_text(raw: str, max_length: int = 320) -> str | None:
    """Text fit to look something up by: trimmed, short enough, no control characters and
    valid UTF-8 (no lone surrogates). None means "cannot match anything": databases refuse
    NUL bytes and surrogates, so such input must never reach a query."""
    value = raw.strip()
    if not value or len(value) > max_length or _CONTROL.search(value) or not _encodable(value):
        return None
    return value
