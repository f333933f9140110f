"""Importing contracts and their assets from a file (administrators): all or nothing.

One row per covered asset; the rows of one contract share its number and must agree on its
company, level and validity (a row with no asset fields is a contract without that asset).
Every bad line is reported with its number and reason and nothing is written, as the import
of CLICO TAC accounts reports its lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from ..audit import AuditKind
from ..errors import ContractImportRejected
from ..roles import require_admin
from ..values import clean_line
from .context import Ports, Viewer
from .contracts import AssetSpec, CheckedContract, check_asset, issue_in, new_contract_key

MAX_ROWS = 5000


@frozen
class ContractRow:
    """One line of the import file; ``line`` is its number in the file."""

    line: int
    number: str
    company: str
    support_level: str
    valid_from: str  # YYYY-MM-DD
    valid_until: str
    asset_name: str = ""
    asset_vendor: str = ""
    asset_serial: str = ""
    asset_category: str = ""


@frozen
class ImportedContract:
    number: str
    company: str
    assets: int
    activation_key: str  # shown once; only its hash is stored


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _check_row(row: ContractRow) -> tuple[CheckedContract, AssetSpec | None] | str:
    number, company = clean_line(row.number, 64), clean_line(row.company, 200)
    level = clean_line(row.support_level, 64) if row.support_level.strip() else "standard"
    start, end = _day(row.valid_from), _day(row.valid_until)
    if number is None:
        return "invalid_number"
    if company is None:
        return "invalid_company"
    if level is None:
        return "invalid_level"
    if start is None or end is None:
        return "invalid_date"
    if end < start:
        return "before_valid_from"
    fields = (row.asset_name, row.asset_vendor, row.asset_serial, row.asset_category)
    spec = None
    if any(f.strip() for f in fields):
        spec = check_asset(AssetSpec(*fields))
        if spec is None:
            return "invalid_asset"
    return CheckedContract(number, company, level, start, end, ()), spec


def import_contracts(viewer: Viewer, rows: Sequence[ContractRow],
                     ports: Ports) -> list[ImportedContract]:
    """Create every contract of the file with its assets in one transaction, or none:
    ``ContractImportRejected`` lists each bad line. Keys are returned once."""
    require_admin(viewer.account)
    problems: list[tuple[int, str]] = []
    if len(rows) > MAX_ROWS:
        raise ContractImportRejected(((rows[MAX_ROWS].line, "too_many_rows"),))
    contracts: dict[str, CheckedContract] = {}
    first_line: dict[str, int] = {}
    serials: set[tuple[str, str]] = set()
    for row in rows:
        checked = _check_row(row)
        if isinstance(checked, str):
            problems.append((row.line, checked))
            continue
        head, spec = checked
        known = contracts.get(head.number)
        if known is not None and (known.company, known.support_level, known.valid_from,
                                  known.valid_until) != (head.company, head.support_level,
                                                         head.valid_from, head.valid_until):
            problems.append((row.line, "conflicting_contract"))
            continue
        if spec is not None:
            if (head.number, spec.serial) in serials:
                problems.append((row.line, "duplicate_serial"))
                continue
            serials.add((head.number, spec.serial))
        base = known or head
        first_line.setdefault(head.number, row.line)
        contracts[head.number] = CheckedContract(
            base.number, base.company, base.support_level, base.valid_from, base.valid_until,
            base.assets + ((spec,) if spec is not None else ()))
    if not rows:
        problems.append((0, "empty_file"))
    if problems:
        raise ContractImportRejected(tuple(problems))
    imported = []
    with ports.uow() as uow:
        taken = [(first_line[n], "number_taken") for n in contracts
                 if uow.contracts.get_by_number(n) is not None]
        if taken:
            raise ContractImportRejected(tuple(sorted(taken)))
        for contract in contracts.values():
            key = new_contract_key(ports)
            issue_in(uow, ports, contract, key, viewer.account.id, AuditKind.CONTRACT_IMPORTED)
            imported.append(ImportedContract(contract.number, contract.company,
                                             len(contract.assets), key))
        uow.commit()
    return imported
