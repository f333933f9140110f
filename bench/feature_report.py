"""The feature benches' targets and figures in ``python -m bench``'s tables: the knowledge
base search, reply and thread costs, the JSON list against the HTML list, the replica."""

from __future__ import annotations

from typing import Any

from .verdict import Check, ratio

MAX_KB_P50_MS = 20.0  # per two-word query kind, at 10^5 articles
MIN_SUGGESTIONS_PER_S = 200.0
MAX_REPLY_RATIO = 1.5  # reply on a long thread / on a short one, p50
MIN_REPLY_VS_RAW = 0.40  # replies through the service / raw inserts
MAX_THREAD_RATIO = 1.5  # the thread's first and last page against its reference


def _kb_checks(engine: str, kb: dict[str, Any]) -> list[Check]:
    found = [Check(engine, f"KB search at {kb['articles']:.0e} articles: p50 — {kind}",
                   f"{times['p50']:.2f} ms (p99 {times['p99']:.2f} ms)",
                   f"≤ {MAX_KB_P50_MS:.0f} ms", times["p50"] <= MAX_KB_P50_MS)
             for kind, times in kb["search_ms"].items()]
    rate = kb["suggestions_per_s"]
    found.append(Check(engine, "KB suggestions endpoint, one request at a time on one core",
                       f"{rate:.0f} req/s ({kb['suggestion_cpu_ms']} ms CPU each)",
                       f"≥ {MIN_SUGGESTIONS_PER_S:.0f}", rate >= MIN_SUGGESTIONS_PER_S))
    return found


def _reply_checks(engine: str, reply: dict[str, Any]) -> list[Check]:
    short, long = reply["short"], reply["long"]
    same = short["statements"] == long["statements"]
    found = [Check(engine, f"reply on a {reply['long_thread_at_start']}-article thread / on a "
                   "short one, p50 (statements equal)",
                   f"{reply['ratio_p50']:.2f}× ({long['p50_ms']:.2f} / {short['p50_ms']:.2f} ms;"
                   f" statements {long['statements']} / {short['statements']})",
                   f"≤ {MAX_REPLY_RATIO}×, equal",
                   reply["ratio_p50"] <= MAX_REPLY_RATIO and same)]
    if "service_vs_raw" in reply:
        share = reply["service_vs_raw"]
        found.append(Check(engine, "reply: through the service / raw inserts",
                           f"{share:.2f}", f"≥ {MIN_REPLY_VS_RAW}", share >= MIN_REPLY_VS_RAW))
    return found


def _thread_checks(engine: str, thread: dict[str, Any]) -> list[Check]:
    if "skipped" in thread:
        return [Check(engine, "thread cost", f"skipped: {thread['skipped']}", "-", None)]
    target = float(thread.get("target", MAX_THREAD_RATIO))
    first, last = thread["ratio_first"], thread["ratio_last"]
    return [Check(engine, "thread: first page; last page (ratios)",
                  f"{first:.2f}×; {last:.2f}×", f"≤ {target}×",
                  first <= target and last <= target)]


def _api_checks(engine: str, api: dict[str, Any]) -> list[Check]:
    html = api["routes"]["html /tickets"]["rps"]
    json = api["routes"]["json /api/v1/tickets"]["rps"]
    return [Check(engine, f"JSON list / HTML list at {api['tickets']:.0e} tickets (req/s)",
                  f"{ratio(json, html):.2f} ({json:.0f} / {html:.0f} req/s)", "≥ 1",
                  json >= html)]


def _replica_check(replica: dict[str, Any]) -> Check:
    target = "two processes + a replica / one process on the primary (list pages/s)"
    if "skipped" in replica:
        return Check("postgresql", target, f"skipped: {replica['skipped']}", "-", None)
    one, two = replica["one"], replica["two"]
    return Check("postgresql", target,
                 f"{replica['ratio']} ({two['rps']:.0f} / {one['rps']:.0f}; "
                 f"{two['replica_share']:.0%} of commits on the replica; rounds "
                 f"{replica['ratios']})", "-", None)


_PER_ENGINE = {"kb": _kb_checks, "reply": _reply_checks, "thread": _thread_checks,
               "api": _api_checks}


def feature_checks(results: dict[str, Any]) -> list[Check]:
    found: list[Check] = [check for engine, data in results["engines"].items()
                          for phase, checks_of in _PER_ENGINE.items() if phase in data
                          for check in checks_of(engine, data[phase])]
    if "replica" in results:
        found.append(_replica_check(results["replica"]))
    return found


def feature_figures(results: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    for engine, data in results["engines"].items():
        kb = data.get("kb")
        if kb:
            origin = kb["database"]
            rows.append([engine, f"KB database, {kb['articles']:,} articles",
                         f"copied in {origin['copy_s']} s" if origin["cached"]
                         else f"seeded in {origin['seed_s']} s",
                         "from the cache" if origin["cached"] else "seeded in this run"])
            for kind, times in kb["search_ms"].items():
                rows.append([engine, f"KB search, {kind}", f"p50 {times['p50']:.2f} ms",
                             f"p99 {times['p99']:.2f} ms, {times['cpu_mean']} ms CPU, "
                             f"{times['mean_hits']} hits"])
            rows.append([engine, "KB suggestions", f"{kb['suggestions_per_s']} req/s",
                         f"{kb['suggestion_cpu_ms']} ms CPU each"])
        reply = data.get("reply")
        if reply:
            for side in ("short", "long"):
                run = reply[side]
                rows.append([engine, f"reply, {side} thread", f"p50 {run['p50_ms']:.2f} ms",
                             f"p99 {run['p99_ms']:.2f} ms, {run['statements']} statements, "
                             f"n {run['n']}"])
        api = data.get("api")
        if api:
            for name, run in api["routes"].items():
                rows.append([engine, f"API list {name}", f"{run['rps']:.1f} req/s",
                             f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, "
                             f"{run['errors']} errors"])
    replica = results.get("replica")
    if replica and "skipped" not in replica:
        for setup in ("one", "two"):
            run = replica[setup]
            rows.append(["postgresql", f"replica load, {setup} process(es), "
                         f"{replica['size']:,} tickets", f"{run['rps']:.1f} pages/s",
                         f"p50 {run['p50_ms']} ms, p99 {run['p99_ms']} ms, "
                         f"{run['errors']} errors, replica share {run['replica_share']:.0%}"])
    return rows
