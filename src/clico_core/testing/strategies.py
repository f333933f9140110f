"""Hypothesis strategies for the domain's values and entities, for embedders' own suites."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from ..accounts import Account, AccountState
from ..assets import Asset
from ..companies import Company
from ..contracts import Contract, hash_contract_key
from ..questionnaires import Question, QuestionKind, Questionnaire
from ..tickets import (
    PAGE_SIZES,
    Priority,
    RelationType,
    SortColumn,
    Ticket,
    TicketKind,
    TicketQuery,
    TicketStatus,
)
from ..values import Language, Role

_ALNUM = string.ascii_lowercase + string.digits
ids = st.text(_ALNUM, min_size=12, max_size=32)
logins = st.builds(lambda head, tail: head + tail, st.sampled_from(string.ascii_lowercase),
                   st.text(_ALNUM + "._-", min_size=2, max_size=20))
emails = st.builds(lambda local, domain, tld: f"{local}@{domain}.{tld}",
                   st.text(_ALNUM + "._+-", min_size=1, max_size=20).filter(
                       lambda s: s[0] not in "." and ".." not in s),
                   st.text(_ALNUM, min_size=1, max_size=20), st.sampled_from(["pl", "com", "eu"]))
names = st.text(st.characters(codec="utf-8", categories=["L"]), min_size=1, max_size=30)
company_names = st.builds(lambda a, b: f"{a} {b}", names, st.sampled_from(
    ["Sp. z o.o.", "S.A.", "Ltd", "GmbH"]))
#: passwords the policy accepts (12+ characters, varied, not personal)
passwords = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                    min_size=12, max_size=64).filter(lambda p: len(set(p.casefold())) >= 4)
contract_numbers = st.builds(lambda n: f"C-{n:06d}", st.integers(1, 999_999))
moments = st.datetimes(datetime(2020, 1, 1), datetime(2035, 1, 1),
                       timezones=st.just(UTC))
days = st.dates(date(2020, 1, 1), date(2035, 1, 1))


@st.composite
def companies(draw: st.DrawFn) -> Company:
    return Company(draw(ids), draw(company_names))


@st.composite
def accounts(draw: st.DrawFn, company_id: str | None = None) -> Account:
    return Account(
        id=draw(ids), login=draw(logins), email=draw(emails), first_name=draw(names),
        last_name=draw(names), phone="+48 600 100 200", company_id=company_id or draw(ids),
        password_hash="$argon2id$placeholder", created_at=draw(moments),
        language=draw(st.sampled_from(Language)), role=draw(st.sampled_from(Role)),
        state=draw(st.sampled_from(AccountState)), two_factor=draw(st.booleans()),
    )


@st.composite
def assets(draw: st.DrawFn, company_id: str | None = None) -> Asset:
    vendor = draw(st.sampled_from(["PALO_ALTO", "FORTINET", "CHECK_POINT"]))
    return Asset(draw(ids), draw(st.sampled_from(["PAN-PA-450", "FG-60F", "CP-3600"])), vendor,
                 draw(st.text(string.ascii_uppercase + string.digits, min_size=6, max_size=17)),
                 company_id or draw(ids), vendor if vendor == "PALO_ALTO" else "default")


@st.composite
def contracts(draw: st.DrawFn, company_id: str | None = None,
              asset_ids: list[str] | None = None) -> Contract:
    start = draw(days)
    key = draw(st.text(string.ascii_uppercase + string.digits, min_size=20, max_size=20))
    return Contract(draw(ids), draw(contract_numbers), hash_contract_key(key),
                    company_id or draw(ids), draw(st.sampled_from(["standard", "premium"])),
                    start, start + timedelta(days=draw(st.integers(0, 1100))),
                    list(asset_ids or []))


@st.composite
def tickets(draw: st.DrawFn, company_id: str | None = None, reporter_id: str | None = None
            ) -> Ticket:
    created = draw(moments)
    modified = created + timedelta(minutes=draw(st.integers(0, 100_000)))
    return Ticket(
        id=draw(ids), number=f"CSS-{draw(st.integers(1, 999_999)):06d}",
        kind=TicketKind.ADMINISTRATIVE, subject=draw(st.text(min_size=1, max_size=200).map(
            str.strip).filter(bool)),
        description="<p>details</p>", priority=draw(st.sampled_from(Priority)),
        relation_type=draw(st.sampled_from(RelationType)), company_id=company_id or draw(ids),
        reporter_id=reporter_id or draw(ids), created_at=created, modified_at=modified,
        status=draw(st.sampled_from(TicketStatus)),
    )


def answers_for(questionnaire: Questionnaire) -> st.SearchStrategy[dict[str, str]]:
    """Complete, well-typed answers to every question of a questionnaire."""

    def one(question: Question) -> st.SearchStrategy[str]:
        if question.kind is QuestionKind.DATE:
            return days.map(date.isoformat)
        if question.kind is QuestionKind.YES_NO:
            return st.sampled_from(["yes", "no"])
        if question.kind is QuestionKind.CHOICE:
            return st.sampled_from([c.value for c in question.choices])
        return st.text(min_size=1, max_size=200).map(str.strip).filter(bool)

    return st.fixed_dictionaries({q.id: one(q) for q in questionnaire.questions})


ticket_queries = st.builds(
    TicketQuery,
    statuses=st.frozensets(st.sampled_from(TicketStatus), max_size=3),
    show_closed=st.booleans(),
    priority=st.none() | st.sampled_from(Priority),
    text=st.sampled_from(["", "vpn", "CSS-0"]),
    sort=st.sampled_from(SortColumn),
    descending=st.booleans(),
    page_size=st.sampled_from(PAGE_SIZES),
)
