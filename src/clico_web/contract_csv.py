"""Reading the contract import file (UTF-8 CSV with a header line), as the CLICO TAC account
import reads its file: a malformed file stops everything with the line it failed on."""

from __future__ import annotations

import csv
import io

from clico_core.services import ContractRow

REQUIRED = ("number", "company", "valid_from", "valid_until")
OPTIONAL = ("level", "asset_name", "asset_vendor", "asset_serial", "asset_category")
MAX_BYTES = 2 * 1024 * 1024


class CsvProblem(Exception):
    """The file cannot be read at all; ``code`` says why, ``line`` where (0: the file)."""

    def __init__(self, code: str, line: int = 0, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.line, self.detail = code, line, detail


def read_contract_csv(data: bytes) -> list[ContractRow]:
    if len(data) > MAX_BYTES:
        raise CsvProblem("too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvProblem("not_utf8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
    except csv.Error:
        raise CsvProblem("malformed", 1) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvProblem("missing_columns", 1, ", ".join(missing))
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise CsvProblem("unknown_columns", 1, ", ".join(unknown))
    reader.fieldnames = header
    rows = []
    try:
        for record in reader:
            if None in record:
                raise CsvProblem("too_many_fields", reader.line_num)
            values = {k: (v or "").strip() for k, v in record.items()}
            if not any(values.values()):
                continue
            rows.append(ContractRow(
                reader.line_num, values["number"], values["company"], values.get("level", ""),
                values["valid_from"], values["valid_until"], values.get("asset_name", ""),
                values.get("asset_vendor", ""), values.get("asset_serial", ""),
                values.get("asset_category", "")))
    except csv.Error:
        raise CsvProblem("malformed", reader.line_num) from None
    return rows
