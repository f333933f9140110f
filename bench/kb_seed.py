"""The knowledge base benchmark's bulk loader (below the services, as ``seed.py``): 10^5
published public articles of ~1 kB written as rows, a customer with a covered PALO_ALTO
asset. Words follow a Zipf law over a synthetic Polish-like vocabulary with domain terms."""

from __future__ import annotations

import itertools
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables_kb import kb_articles, kb_texts
from clico_core.accounts import Account, AccountState
from clico_core.assets import Asset
from clico_core.companies import Company
from clico_core.contracts import Activation, Contract, hash_contract_key

from .databases import bench_box
from .seed import password_hash

ANCHOR = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DOMAIN = (
    "vpn", "tunel", "ipsec", "ike", "ha", "nat", "licencja", "aktywacja", "aktualizacja",
    "firmware", "pan-os", "fortigate", "fortios", "klaster", "sesja", "routing", "bgp", "ospf",
    "dns", "dhcp", "certyfikat", "ssl", "globalprotect", "panorama", "log", "syslog", "snmp",
    "interfejs", "vlan", "zapora", "reguła", "polityka", "zrywa", "się", "restart", "pamięć",
    "cpu", "dysk", "kopia", "konfiguracja",
)
VENDORS = ("PALO_ALTO", "FORTINET", "CISCO", "CHECKPOINT")


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = ["ka", "ro", "ta", "mi", "ne", "lo", "wy", "prze", "sta", "dzi", "ko", "na",
                 "po", "za", "ru", "te", "si", "gra", "fo", "bel", "ser", "wer", "ip", "ow"]
    words = set(DOMAIN)
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Zipf:
    """Word frequencies as in natural text: the k-th word is drawn ~1/k as often."""

    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words = words
        self.rng = rng
        self.weights = [1 / (k + 1) for k in range(len(words))]
        self.cumulative = list(itertools.accumulate(self.weights))

    def draw(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)


def seed(url: str, size: int, rng: random.Random, log: Any) -> tuple[list[str], str]:
    """The articles (published, public, Polish), a customer with a covered PALO_ALTO asset;
    returns the vocabulary (by frequency rank) and the asset id."""
    db = SqlDatabase.from_url(url, box=bench_box())
    db.upgrade()
    words = _vocabulary(rng)
    rng.shuffle(words)
    zipf = Zipf(words, rng)
    with db.uow_factory() as uow:
        uow.companies.add(Company("co-bench", "Bench Sp. z o.o."))
        uow.accounts.add(Account(
            "ac-bench", "bench-kb", "bench-kb@example.com", "Jan", "Kowalski",
            "+48 600 100 200", "co-bench", password_hash(), ANCHOR - timedelta(days=30),
            state=AccountState.ACTIVE, two_factor=False))
        uow.assets.add(Asset("as-bench", "PAN-PA-450", "PALO_ALTO", "SN-1", "co-bench",
                             "PALO_ALTO"))
        uow.contracts.add(Contract("ct-bench", "C-BENCH", hash_contract_key("KEY"),
                                   "co-bench", "standard", date(2025, 1, 1),
                                   date(2030, 1, 1), ["as-bench"]))
        uow.contracts.activate(Activation("ct-bench", "ac-bench", ANCHOR))
        uow.commit()
    started = time.perf_counter()
    batch = 2_000
    with db.engine.begin() as connection:
        for first in range(0, size, batch):
            articles, texts = [], []
            for n in range(first, min(first + batch, size)):
                article_id = f"{n:032x}"
                title = " ".join(zipf.draw(rng.randint(4, 8))).capitalize()
                body = " ".join(zipf.draw(140))  # ~1 kB
                vendor = rng.choice(VENDORS)
                at = ANCHOR - timedelta(minutes=n)
                articles.append({
                    "id": article_id, "category": rng.choice(["VPN", "HA", "Licencje", "NAT"]),
                    "vendors": f" {vendor} ", "visibility": "publiczny", "status": "published",
                    "texts": [["pl", title, f"<p>{body}</p>"]], "author_id": "ac-bench",
                    "created_at": at, "updated_at": at, "version": 1, "source_ticket": None})
                texts.append({
                    "article_id": article_id, "language": "pl", "serves": "pl en",
                    "title": title, "plain": body, "visibility": "publiczny",
                    "category": articles[-1]["category"], "vendors": f" {vendor} ",
                    "updated_at": at})
            connection.execute(insert(kb_articles), articles)
            connection.execute(insert(kb_texts), texts)
        connection.execute(text("ANALYZE"))
    if db.engine.dialect.name == "postgresql":
        # the steady state autovacuum reaches: the rows inserted above wait in the GIN
        # indexes' pending lists, which every search would otherwise scan in full
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
            vacuum.execute(text("VACUUM ANALYZE kb_texts"))
    log(f"  seeded {size} articles in {time.perf_counter() - started:.0f} s")
    db.dispose()
    return words, "as-bench"
