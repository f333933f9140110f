"""The contracts an API token lists: staff every company's, a customer only its own
companies' (a property over random companies, contracts, revocations and filters)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher

from ..support import World
from .contract_admin_support import admin

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
COMPANIES = st.lists(st.tuples(st.integers(1, 3), st.sets(st.integers(0, 2), max_size=2)),
                     min_size=2, max_size=3)


def _world(hasher: Argon2Hasher) -> World:
    store = MemoryStore()
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=SteppingClock(START), secrets=SeededSecrets(42), hasher=hasher)
    return World(services, services.ports.clock, MemoryMailQueue(store),
                 today=date(2026, 11, 25))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(COMPANIES, st.data())
def test_a_customer_never_lists_another_companys_contract(
        hasher: Argon2Hasher, companies: list[tuple[int, set[int]]],
        data: st.DataObject) -> None:
    world = _world(hasher)
    staff = admin(world)
    own: dict[str, set[str]] = {}  # login -> the numbers it must see
    company_of: dict[str, str] = {}
    for c, (count, revoked) in enumerate(companies):
        issued = [world.issue(f"C-{c}-{n}", f"Co {c}") for n in range(count)]
        login = f"user{c}"
        world.register(login, contract=issued[0], company=f"Co {c}")
        company_of[login] = issued[0].contract.company_id
        for n in sorted(revoked):
            if 0 < n < count:  # never the registration's own: the account keeps its scope
                world.services.revoke_contract(staff, f"C-{c}-{n}")
        own[login] = {f"C-{c}-{n}" for n in range(count) if n == 0 or n not in revoked}
    every = {i.contract.number: i.contract.company_id
             for i in world.services.api_contracts(staff, page_size=100).rows}
    assert len(every) == sum(count for count, _ in companies)
    for login, numbers in own.items():
        viewer = world.viewer(login)
        listed = world.services.api_contracts(viewer, page_size=100).rows
        assert {r.contract.company_id for r in listed} <= {company_of[login]}
        assert {r.contract.number for r in listed} == numbers
        other = data.draw(st.sampled_from(sorted(set(every.values()))))
        filtered = world.services.api_contracts(viewer, other, page_size=100).rows
        assert all(r.contract.company_id == company_of[login] for r in filtered)
        assert (other == company_of[login]) == bool(filtered)


def test_staff_list_every_company_and_filter_one(world: World) -> None:
    for c in range(3):
        world.issue(f"C-{c}", f"Co {c}")
    staff = world.engineer()
    page = world.services.api_contracts(staff, page_size=2)
    assert page.total == 3 and [r.contract.number for r in page.rows] == ["C-0", "C-1"]
    last = world.services.api_contracts(staff, page=2, page_size=2)
    assert [r.contract.number for r in last.rows] == ["C-2"]
    one = last.rows[0].contract.company_id
    assert [r.contract.number for r in world.services.api_contracts(staff, one).rows] == ["C-2"]
