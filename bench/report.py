"""Targets as ratios of figures measured in the same run, and the tables that show them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .feature_report import feature_checks, feature_figures
from .verdict import Check, ratio

GROWTH_VIEWS = ("customer, open (default)", "customer, with closed", "staff, with closed")
MAX_GROWTH = 1.5  # first page at the largest size / at the smallest
MAX_DEPTH_RATIO = 1.5  # last page / first page, at the largest size
MAX_STATEMENTS = 3
MIN_LIST_VS_MEMORY = 0.75
MIN_MEMORY_PAGE_RPS = 1000  # the list page from memory, per second of the server's CPU
MIN_LIST_KEPT = 0.60  # list throughput during the flood / alone
MAX_P99_GROWTH = 3.0
MIN_SIGN_IN_ONE_CORE = 0.25  # sign-ins / argon2's rate, hashing on the server's only core
MIN_SIGN_IN_VS_ARGON2 = 0.70  # the same with a core to spare for hashing
MIN_WRITES_VS_RAW = 0.40
MIN_UPLOAD_VS_RAW = 0.5  # the streaming upload route / a raw copy through the same route
MAX_UPLOAD_RSS_GROWTH_MB = 10.0  # server resident memory during a 50 MB upload
DOC_BEGIN, DOC_END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _p50(cases: list[dict[str, Any]], size: int, view: str, page: str) -> float | None:
    found = [c["p50_ms"] for c in cases
             if c["size"] == size and c["view"] == view and c["page"] == page]
    return found[0] if found else None


def _list_checks(engine: str, data: dict[str, Any]) -> list[Check]:
    return list_checks(engine, data)


def queue_checks(engine: str, data: dict[str, Any]) -> list[Check]:
    """The ticket list's targets for the staff queue, every saved view held to growth."""
    views = tuple(sorted({c["view"] for c in data["repository"]}))
    return list_checks(engine, data, growth_views=views, what="queue")


def list_checks(engine: str, data: dict[str, Any], *,
                growth_views: tuple[str, ...] = GROWTH_VIEWS, what: str = "list"
                ) -> list[Check]:
    """Growth with size, cost of depth, statements and plans of a list (the ticket list's
    views, or the staff queue's: ``bench/queue_cost.py``)."""
    checks: list[Check] = []
    for layer in ("repository", "handler"):
        cases = data[layer]
        if not cases:
            continue
        sizes = sorted({c["size"] for c in cases})
        small, large = sizes[0], sizes[-1]
        for view in sorted({c["view"] for c in cases}):
            first_small = _p50(cases, small, view, "first")
            first_large = _p50(cases, large, view, "first")
            if first_small and first_large:
                growth = ratio(first_large, first_small)
                checks.append(Check(
                    engine, f"{layer}: first page {large:.0e} / {small:.0e} — {view}",
                    f"{growth:.2f}× ({first_large:.2f} / {first_small:.2f} ms)",
                    f"≤ {MAX_GROWTH}×",
                    growth <= MAX_GROWTH if view in growth_views else None))
            last = _p50(cases, large, view, "last")
            if first_large and last:
                depth = ratio(last, first_large)
                checks.append(Check(
                    engine, f"{layer}: last page / first at {large:.0e} — {view}",
                    f"{depth:.2f}× ({last:.2f} / {first_large:.2f} ms)",
                    f"≤ {MAX_DEPTH_RATIO}×", depth <= MAX_DEPTH_RATIO))
        most = max(c["statements"] for c in cases)
        note = "" if layer == "repository" else " (session lookup included)"
        checks.append(Check(engine, f"{layer}: SQL statements per {what} request{note}",
                            f"{most} (of which {max(c['queries'] for c in cases)} queries)",
                            f"≤ {MAX_STATEMENTS}", most <= MAX_STATEMENTS))
    bad = [p for p in data["explain"] if p["violations"]]
    checks.append(Check(
        engine, "EXPLAIN: no full scan of tickets, no temporary sort",
        f"{len(bad)} of {len(data['explain'])} plans offend"
        + (": " + "; ".join(sorted({f"{p['view']} {p['page']}: {', '.join(p['violations'])}"
                                    for p in bad}))[:400] if bad else ""),
        "0", not bad))
    return checks


def _http_checks(engine: str, http: dict[str, Any], flood: dict[str, Any]) -> list[Check]:
    runs = {k: v for k, v in http.items() if isinstance(v, dict)}
    share = ratio(runs["list"]["rps"], runs["list, in-memory"]["rps"])
    errors = sum(r["errors"] for r in runs.values()) + flood["sign_ins"]["errors"] \
        + flood["list_solo"]["errors"] + flood["list_during_flood"]["errors"]
    kept = ratio(flood["list_during_flood"]["rps"], flood["list_solo"]["rps"])
    p99 = ratio(flood["list_during_flood"]["p99_ms"], flood["list_solo"]["p99_ms"])
    sign_ins = ratio(flood["sign_ins"]["rps"], flood["argon2"]["verifies_per_s"])
    limited = flood["rate_limit"]
    solo_p99 = flood["list_solo"]["p99_ms"]
    memory_statements = runs["list, in-memory"].get("statements")
    compared = []
    for other in flood.get("compared", []):
        other_kept = ratio(other["list_during_flood"]["rps"], flood["list_solo"]["rps"])
        other_p99 = ratio(other["list_during_flood"]["p99_ms"], solo_p99)
        other_sign_ins = ratio(other["sign_ins"]["rps"], flood["argon2"]["verifies_per_s"])
        spare = bool(other.get("cpus"))  # CLICO_HASHING_CPUS: the target with a core to spare
        compared.append(Check(
            engine, (f"flood, hashing on a core to spare (CLICO_HASHING_CPUS={other['cpus']}, "
                     f"nice {other['nice']}): list kept; p99 growth; sign-ins / argon2"
                     if spare else f"flood with hashing at nice {other['nice']} instead: "
                     "list kept; p99 growth; sign-ins / argon2"),
            f"{other_kept:.2f}; {other_p99:.1f}×; {other_sign_ins:.2f}",
            f"≥ {MIN_LIST_KEPT}; ≤ {MAX_P99_GROWTH}×; ≥ {MIN_SIGN_IN_VS_ARGON2}",
            (other_kept >= MIN_LIST_KEPT and other_p99 <= MAX_P99_GROWTH
             and other_sign_ins >= MIN_SIGN_IN_VS_ARGON2) if spare else None))
    memory, real = runs["list, in-memory"], runs["list"]
    ceiling = memory.get("rps_one_core", 0.0)
    cpu_share = ratio(real.get("rps_one_core", 0.0), ceiling)
    return [
        Check(engine, "HTTP: list page from memory, per core (1 / server CPU per request)",
              f"{ceiling:.0f} req/s ({memory.get('cpu_ms_per_request', 0):.2f} ms CPU each; "
              f"wall {memory['rps']:.0f} req/s)", f"≥ {MIN_MEMORY_PAGE_RPS}",
              ceiling >= MIN_MEMORY_PAGE_RPS),
        Check(engine, "HTTP: real list page / same page from memory, per core (server CPU)",
              f"{cpu_share:.2f} ({real.get('rps_one_core', 0):.0f} / {ceiling:.0f} req/s)",
              f"≥ {MIN_LIST_VS_MEMORY}", cpu_share >= MIN_LIST_VS_MEMORY),
        Check(engine, "HTTP: real list page / same page from memory, wall clock",
              f"{share:.2f} ({real['rps']:.0f} / {memory['rps']:.0f}"
              " req/s)", f"≥ {MIN_LIST_VS_MEMORY}", share >= MIN_LIST_VS_MEMORY),
        Check(engine, "HTTP: errors over every load run", str(errors), "0", errors == 0),
        Check(engine, "HTTP: SQL statements of the in-memory page (the ceiling) while timed",
              str(memory_statements), "0", memory_statements == 0),
        Check(engine, f"flood (hashing at nice {flood.get('hashing_nice', 0)}): "
              "list throughput kept",
              f"{kept:.2f} ({flood['list_during_flood']['rps']:.1f} / "
              f"{flood['list_solo']['rps']:.1f} req/s)", f"≥ {MIN_LIST_KEPT}",
              kept >= MIN_LIST_KEPT),
        Check(engine, "flood: list p99 / p99 alone",
              f"{p99:.1f}× ({flood['list_during_flood']['p99_ms']:.0f} / "
              f"{flood['list_solo']['p99_ms']:.0f} ms)", f"≤ {MAX_P99_GROWTH}×",
              p99 <= MAX_P99_GROWTH),
        Check(engine, "flood: sign-ins / argon2 verifications per second (one core; "
              f"{flood.get('within_budget', '?')} of "
              f"{flood.get('argon2_calls_during_flood', '?')} hashes within the "
              f"{flood.get('budget_percent', '?')}% budget)",
              f"{sign_ins:.2f} ({flood['sign_ins']['rps']:.2f} / "
              f"{flood['argon2']['verifies_per_s']:.2f} per s)", f"≥ {MIN_SIGN_IN_ONE_CORE}",
              sign_ins >= MIN_SIGN_IN_ONE_CORE),
        Check(engine, "flood: list kept + sign-ins / argon2 (shares of one core)",
              f"{kept + sign_ins:.2f} at nice {flood.get('hashing_nice', 0)}", "-", None),
        *compared,
        Check(engine, "flood: refused sign-ins never reach argon2",
              f"{limited['refused']} refused, {limited['hashes_while_refusing']} argon2 calls; "
              f"p50 {limited['refused_p50_ms']} ms vs {limited['answered_p50_ms']} ms hashed",
              "0 calls", limited["refused"] > 0 and limited["hashes_while_refusing"] == 0),
        Check(engine, "memory: server peak RSS (VmHWM) over HTTP and flood",
              f"{max(http['peak_rss_mb'], flood['peak_rss_mb'])} MB", "-", None),
    ]


def _forgot_check(engine: str, forgot: dict[str, Any]) -> Check:
    return Check(engine, "forgot password: time to answer, known vs unknown account "
                 "(Mann–Whitney U, two-sided)",
                 f"p = {forgot['p_value']}; median {forgot['median_difference_ms']:+.3f} ms, "
                 f"shift {forgot['shift_ms']:+.3f} ms (n = {forgot['known']['n']} + "
                 f"{forgot['unknown']['n']})", f"p ≥ {forgot['alpha']}", forgot["same"])


def upload_checks(upload: dict[str, Any]) -> list[Check]:
    return [
        Check("-", f"upload: {upload['megabytes']} MB form through the reader / raw copy",
              f"{upload['ratio']:.2f} ({upload['upload_mb_per_s']:.0f} / "
              f"{upload['raw_mb_per_s']:.0f} MB/s)", f"≥ {MIN_UPLOAD_VS_RAW}",
              upload["ratio"] >= MIN_UPLOAD_VS_RAW),
        Check("-", "upload: server RSS growth during the upload",
              f"{upload['upload_rss_growth_mb']} MB (raw copy "
              f"{upload['raw_rss_growth_mb']} MB)", f"≤ {MAX_UPLOAD_RSS_GROWTH_MB:.0f} MB",
              upload["upload_rss_growth_mb"] <= MAX_UPLOAD_RSS_GROWTH_MB),
    ]


def checks(results: dict[str, Any]) -> list[Check]:
    found: list[Check] = []
    for engine, data in results["engines"].items():
        if "list" in data:
            found += _list_checks(engine, data["list"])
        if "queue" in data:
            found += queue_checks(engine, data["queue"])
        if "forgot" in data:
            found.append(_forgot_check(engine, data["forgot"]))
        if "http" in data and "flood" in data:
            found += _http_checks(engine, data["http"], data["flood"])
    writes = results.get("writes")
    if writes:
        share = ratio(writes["service_per_s"], writes["raw_per_s"])
        found.append(Check("sqlite", "writes: service / raw Core inserts (1 tx each)",
                           f"{share:.2f} ({writes['service_per_s']:.0f} / "
                           f"{writes['raw_per_s']:.0f} per s)", f"≥ {MIN_WRITES_VS_RAW}",
                           share >= MIN_WRITES_VS_RAW))
        found.append(Check("sqlite", "memory: writer process peak RSS (VmHWM)",
                           f"{writes['peak_rss_mb']} MB", "-", None))
    if results.get("upload"):
        found += upload_checks(results["upload"])
    return found + feature_checks(results)


def _figures(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    for engine, data in results["engines"].items():
        for seeded in data.get("seed", []):
            rows.append([engine, f"seed {seeded['size']:,} tickets", f"{seeded['seconds']} s",
                         _seed_origin(seeded)])
        for layer in ("repository", "handler"):
            for c in data.get("list", {}).get(layer, []):
                rows.append([engine, f"{layer} {c['size']:.0e} {c['view']}, {c['page']} "
                             f"(depth {c['depth']:,} of {c['matching']:,})",
                             f"p50 {c['p50_ms']:.2f} ms", f"p99 {c['p99_ms']:.2f} ms, "
                             f"{c['statements']} statements"])
        for name, run in data.get("http", {}).items():
            if isinstance(run, dict):
                rows.append([engine, f"HTTP {name} ({run['path'][:40]})",
                             f"{run['rps']:.1f} req/s",
                             f"{run.get('cpu_ms_per_request', 0):.3f} ms server CPU each "
                             f"({run.get('rps_one_core', 0):.0f}/s on one core), "
                             f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, "
                             f"{run['errors']} errors"])
        forgot = data.get("forgot")
        if forgot:
            for label in ("known", "unknown"):
                run = forgot[label]
                rows.append([engine, f"forgot password, {label} account",
                             f"p50 {run['p50_ms']:.3f} ms",
                             f"p99 {run['p99_ms']:.3f} ms, mean {run['mean_ms']:.3f} ms, "
                             f"n {run['n']}"])
        flood = data.get("flood")
        if flood:
            for name in ("list_solo", "list_during_flood", "sign_ins"):
                run = flood[name]
                rows.append([engine, f"flood {name.replace('_', ' ')}",
                             f"{run['rps']:.1f} req/s",
                             f"{run.get('cpu_ms_per_request', 0):.3f} ms server CPU each "
                             f"({run.get('rps_one_core', 0):.0f}/s on one core), "
                             f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, "
                             f"{run['errors']} errors"])
            rows.append([engine, "argon2 verify (server's core)",
                         f"{flood['argon2']['verifies_per_s']:.2f} /s",
                         f"{flood['argon2']['threads']} threads"])
    writes = results.get("writes")
    if writes:
        rows.append(["sqlite", "writes through the service", f"{writes['service_per_s']} /s",
                     f"{writes['service_ms']} ms each"])
        rows.append(["sqlite", "writes raw Core", f"{writes['raw_per_s']} /s",
                     f"{writes['raw_ms']} ms each"])
    sent = results.get("upload")
    if sent:
        for route in ("upload", "raw"):
            rows.append(["-", f"{sent['megabytes']} MB form, {route} route",
                         f"{sent[f'{route}_mb_per_s']} MB/s",
                         f"server RSS +{sent[f'{route}_rss_growth_mb']} MB, median of "
                         f"{sent['repetitions']}"])
    return rows + feature_figures(results)


def _seed_origin(record: dict[str, Any]) -> str:
    if "cached" not in record:
        return ""
    if record["cached"]:
        return f"from the cache: copied in {record['copy_s']} s (seeding time as stored)"
    return "seeded in this run" + (f", stored in the cache in {record['store_s']} s"
                                   if record["store_s"] is not None else "")


def _text_table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def text(results: dict[str, Any]) -> str:
    found = checks(results)
    return "\n\n".join([
        _text_table(_figures(results), ["engine", "figure", "value", "detail"]),
        _text_table([[c.engine, c.target, c.measured, c.limit, c.verdict] for c in found],
                    ["engine", "target", "measured", "limit", "verdict"]),
    ])


def _md_table(rows: list[list[str]], header: list[str]) -> str:
    def clean(value: str) -> str:
        return str(value).replace("|", "\\|")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(clean(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    found = checks(results)
    lines = [
        f"Run of {results['started']} ({results['elapsed_s']:.0f} s; "
        f"load average {machine['load_before']} before, {machine['load_after']} after; "
        f"results file `{results['file']}`).",
        "",
        f"Machine: {machine['nproc']} CPUs, {machine['cpu']}; {machine['platform']}; "
        f"Python {machine['python']}, SQLite {machine['sqlite']}, "
        f"PostgreSQL {machine['postgresql'] or '(not measured)'}, "
        f"SQLAlchemy {machine['sqlalchemy']}, Starlette {machine.get('starlette', '?')}, "
        f"uvicorn {machine.get('uvicorn', '?')}, argon2-cffi {machine.get('argon2_cffi', '?')}.",
        "",
        _md_table([[c.engine, c.target, c.measured, c.limit, c.verdict] for c in found],
                  ["engine", "target", "measured", "limit", "verdict"]),
        "",
        "<details><summary>Every figure of that run</summary>",
        "",
        _md_table(_figures(results), ["engine", "figure", "value", "detail"]),
        "",
        "</details>",
    ]
    return "\n".join(lines)


def update_doc(path: Path, results: dict[str, Any]) -> bool:
    """Replace the block between the bench markers in ``path``; False if it has none."""
    if not path.exists():
        return False
    content = path.read_text()
    pattern = re.compile(re.escape(DOC_BEGIN) + ".*?" + re.escape(DOC_END), re.S)
    if not pattern.search(content):
        return False
    block = f"{DOC_BEGIN}\n{markdown(results)}\n{DOC_END}"
    path.write_text(pattern.sub(lambda _: block, content, count=1))
    return True
