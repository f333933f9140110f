"""Password rules (docs/security.md): 12 to 4096 bytes after NFKC, not common, not personal."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

MIN_LENGTH = 12
MAX_BYTES = 4096

# The most common passwords of 12+ characters in public breach corpora (a short list is
# enough: length already rules out the bulk of weak choices).
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "12345678910111", "123456789123", "qwertyuiopas",
        "qwertyuiop123", "1q2w3e4r5t6y", "1qaz2wsx3edc", "passwordpassword", "password1234",
        "password123456", "iloveyou1234", "abcdefghijkl", "111111111111", "000000000000",
        "aaaaaaaaaaaa", "qwerty123456", "123qweasdzxc", "zaq12wsxcde3", "administrator",
        "adminadmin123", "welcome12345", "letmein12345", "changeme1234", "football1234",
        "monkey123456", "sunshine1234", "princess1234", "superman1234", "trustno1trustno1",
        "haslo1234567", "zaq1@wsx#edc", "qwerty1234567", "asdfghjkl123", "1234qwerasdf",
        "password1!password", "p@ssw0rd1234", "p@ssword1234", "passw0rd1234", "starwars1234",
    }
)


def normalise_password(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """The error code of the first rule the password breaks, or None if it is acceptable.

    ``personal`` holds the login, e-mail local part, names and company of the account.
    """
    value = normalise_password(password)
    if len(value) < MIN_LENGTH:
        return "password_too_short"
    if len(value.encode()) > MAX_BYTES:
        return "password_too_long"
    if "\x00" in value:
        return "password_invalid"
    folded = value.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) < 4:
        return "password_too_common"
    for word in personal:
        word = normalise_password(word).casefold().strip()
        if len(word) >= 3 and word in folded:
            return "password_contains_personal"
    return None
