"""The SLA report as CSV (``clico sla report --csv`` and the page's download): one row per
company and level, times in business hours with two decimals, empty when nothing stopped."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from clico_core.services import SlaReport

HEADER = ("company", "level", "tickets", "met", "breached", "response_median_h",
          "response_p90_h", "resolution_median_h", "resolution_p90_h")


def hours(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.2f}"


def report_csv(report: SlaReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in report.rows:
        writer.writerow((row.company, row.level, row.tickets, row.met, row.breached,
                         hours(row.response_median), hours(row.response_p90),
                         hours(row.resolution_median), hours(row.resolution_p90)))
    return out.getvalue()
