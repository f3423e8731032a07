"""The tables of the benchmark's runs, one database per group of columns: warm pages, cold pages and their
recomputes, memory and the big reports, commands; each result against its budget (issue 19 at 100,000)."""
from __future__ import annotations

import math

import numpy as np

PAGE_MS, FLOOR_TIMES, WEB_MB, WORKER_MB = 50.0, 5.0, 300.0, 600.0
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Budgets other than a page's (50 ms and 5x the layout floor), by name: (seconds, words).
SPECIAL = [("PDF: candidate dossier", 1.0, "1 s"), ("PDF: a new hire's onboarding", 3.0, "3 s"),
           ("recompute all scores", 10.0, "10 s"), ("train the retention model", None, "-")]
RECOMPUTE = [("calibration", 1.0), ("fairness", 1.0), ("offer statistics", 0.3), ("retention chart", 0.3)]


def pct(times: list[float], q: float) -> float:
    return float(np.percentile(times, q)) if times else float("nan")


def ms(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "-"
    value = seconds * 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def query_range(r: dict) -> str:
    q = r.get("queries") or []
    return "-" if not q else str(min(q)) if min(q) == max(q) else f"{min(q)}-{max(q)}"


def floor_of(results: list[dict], bare: bool) -> dict | None:
    return next((r for r in results if r["kind"] == "floor" and ("bare" in r["name"]) == bare), None)


def budget(r: dict, layout: dict | None) -> tuple[bool | None, str]:
    """(met, words) of a result against its budget; met None when it has none."""
    p95 = pct(r["times"], 95)
    if "FAILED" in r.get("note", ""):
        return False, "failed"
    kind = r["kind"]
    if kind == "floor":
        return None, "-"
    for prefix, seconds, words in SPECIAL:
        if r["name"].startswith(prefix):
            return (None if seconds is None else p95 <= seconds), words
    if kind == "recompute":
        for prefix, seconds in RECOMPUTE:
            if r["name"].startswith(prefix):
                return p95 <= seconds, f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.0f} s"
        return None, "-"
    if kind == "cold":
        return "computed in the request" not in r["extra"].get("served", []), "no recompute in the request"
    if kind == "pdf-direct":
        return False, "background only"
    if kind == "report":
        peak = r["extra"].get("worker_peak_mb")
        return (peak is not None and peak < WORKER_MB and r["extra"].get("state") == "done"), "worker < 600 MB"
    if kind == "write":
        return p95 <= PAGE_MS / 1000, "50 ms"
    limit = PAGE_MS / 1000
    if layout and layout["times"]:
        limit = min(limit, FLOOR_TIMES * pct(layout["times"], 95))
    return p95 <= limit, "50 ms, 5× layout"


def mark(met: bool | None) -> str:
    return "-" if met is None else "met" if met else "**missed**"


def by_kind(runs: list[dict], size: int) -> dict[str, dict]:
    return {d["info"]["kind"]: d for d in runs if d["info"]["size"]["candidates"] == size}


def names_of(group: dict[str, dict], kinds: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for kind in ("sqlite", "postgresql"):
        for r in group[kind]["results"] if kind in group else []:
            if r["kind"] in kinds and r["name"] not in names:
                names.append(r["name"])
    return names


def result_named(data: dict, name: str) -> dict | None:
    return next((r for r in data["results"] if r["name"] == name), None)


def _kinds(group: dict[str, dict]) -> list[str]:
    return [k for k in ("sqlite", "postgresql") if k in group]


def _grid(group: dict[str, dict], first: list[str], per_kind: list[str], names: list[str], cells) -> list[str]:
    """A table with the columns `first`, then `per_kind` once per database (each heading may name it as
    {kind}), a row per result name. `cells(data, r)` gives the leading cells after the name (the same for every
    database: the last one found wins) and that database's cells; a database without the result shows dashes."""
    kinds = _kinds(group)
    head = first + [h.format(kind=KINDS[k]) for k in kinds for h in per_kind]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        lead, row = ["-"] * (len(first) - 1), []
        for k in kinds:
            r = result_named(group[k], name)
            if r is None:
                row += ["-"] * len(per_kind)
                continue
            lead, found = cells(group[k], r)
            row += found
        lines.append("| " + " | ".join([name, *lead, *row]) + " |")
    return lines


def warm_table(group: dict[str, dict]) -> list[str]:
    """Floors, warm pages, the PDFs of one person, the writes: per database."""
    def cells(data, r):
        bare, layout = floor_of(data["results"], True), floor_of(data["results"], False)
        met, words = budget(r, layout)
        p95 = pct(r["times"], 95)
        ratio = (lambda f: f"{p95 / pct(f['times'], 95):,.1f}" if f and f["times"] else "-")  # noqa: E731
        first = f" ({ms(r['first'])})" if r.get("first") is not None else ""
        rss = r.get("rss_mb")
        return [r["role"], words], [
            f"{ms(pct(r['times'], 50))} / {ms(p95)}{first}", ratio(bare), ratio(layout), query_range(r),
            "-" if rss is None else f"{rss:,.0f}" + (" **over**" if rss > WEB_MB else ""), mark(met)]
    return _grid(group, ["page or request", "as", "budget (p95)"],
                 ["{kind} p50 / p95 ms (first)", "p95 × bare", "p95 × layout", "queries", "web RSS MB after", "met"],
                 names_of(group, ("floor", "page", "fresh", "pdf", "write")), cells)


def cold_table(group: dict[str, dict]) -> list[str]:
    """Each cached page's first request after a write, how long until fresh, and the recomputes."""
    def first_requests(_data, r):
        met, words = budget(r, None)
        served = r["extra"].get("served", [])
        counts = {s: served.count(s) for s in dict.fromkeys(served)}
        fresh = [x for x in r["extra"].get("fresh_after", []) if x is not None]
        missing = len(r["extra"].get("fresh_after", [])) - len(fresh)
        return [words], ["; ".join(f"{s} ({n}/{len(served)})" for s, n in counts.items()),
                         f"{ms(pct(r['times'], 50))} / {ms(max(r['times']))}",
                         (f"{pct(fresh, 50):.2f} / {max(fresh):.2f}" if fresh else "-")
                         + (f" ({missing} never)" if missing else ""), mark(met)]

    def recomputes(_data, r):
        met, words = budget(r, None)
        where = sorted(set(r["extra"].get("where", [])))
        return [words], [f"{ms(pct(r['times'], 50))} / {ms(pct(r['times'], 95))} ({len(r['times'])} runs)",
                         ", ".join("the web request" if w == "web request" else "a worker" if w == "rq"
                                   else "the web process's task thread" for w in where), mark(met)]
    return (_grid(group, ["cached page: first request after a write", "budget"],
                  ["{kind}: what it served", "ms p50 / max", "fresh figures stored, s after the write p50 / max", "met"],
                  names_of(group, ("cold",)), first_requests)
            + [""]
            + _grid(group, ["recomputing a snapshot (its compute, as the snapshot row records it)", "budget"],
                    ["{kind} ms p50 / p95", "where", "met"], names_of(group, ("recompute",)), recomputes))


def memory_table(group: dict[str, dict]) -> list[str]:
    """The web process's memory, the workers', the big reports."""
    kinds = _kinds(group)
    head = ["process or report", "budget"]
    for k in kinds:
        head += [f"{KINDS[k]}", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def web(data):
        info, pages = data["info"], [r for r in data["results"] if r.get("rss_mb") is not None
                                     and r["kind"] not in ("report", "pdf-direct")]
        worst = max(pages, key=lambda r: r["rss_mb"]) if pages else None
        peak = info.get("web_rss", {}).get("VmHWM")
        text = (f"{worst['rss_mb']:,.0f} MB after {worst['name']}; peak {peak:,.0f} MB" if worst and peak else "-")
        return text, worst is not None and worst["rss_mb"] < WEB_MB and (peak or 0) < WEB_MB

    def refresh(data):
        peak = data["info"].get("refresh_worker", {}).get("peak_mb")
        return ("-", None) if peak is None else (f"{peak:,.0f} MB peak", peak < WORKER_MB)

    rows = [("web process, resident after every page, warm and cold (and its peak)", "300 MB", web),
            ("refresh worker (every snapshot refresh of the run)", "600 MB", refresh)]
    for name in names_of(group, ("report",)):
        def report(data, name=name):
            r = result_named(data, name)
            if r is None:
                return "-", None
            e = r["extra"]
            peak = e.get("worker_peak_mb")
            if "FAILED" in r.get("note", ""):
                return r["note"].replace("FAILED: ", "failed: "), False
            text = (f"{ms(r['times'][0]) if r['times'] else '-'} ms rendering, "
                    f"{'-' if peak is None else f'{peak:,.0f}'} MB worker peak, {r['size_bytes'] / 1024:,.0f} KB, "
                    f"download {ms(e.get('download_seconds'))} ms")
            return text, budget(r, None)[0]
        rows.append((name, "worker < 600 MB", report))
    for name in names_of(group, ("pdf-direct",)):
        def direct(data, name=name):
            r = result_named(data, name)
            if r is None or not r["times"]:
                return ("-" if r is None else r.get("note", "-")), None
            return f"{ms(pct(r['times'], 50))} ms, web RSS {r.get('rss_mb') or 0:,.0f} MB after", False
        rows.append((name, "background only", direct))
    for words, limit, fn in rows:
        row = []
        for k in kinds:
            text, met = fn(group[k])
            row += [text, mark(met)]
        lines.append("| " + " | ".join([words, limit, *row]) + " |")
    return lines


def action_table(group: dict[str, dict]) -> list[str]:
    def cells(_data, r):
        met, words = budget(r, None)
        peak = r.get("peak_bytes")
        return [words], [f"{ms(pct(r['times'], 50))} / {ms(pct(r['times'], 95))}", query_range(r),
                         "-" if peak is None else f"{peak / 2 ** 20:,.0f}", mark(met)]
    return _grid(group, ["command", "budget"], ["{kind} ms p50 / p95", "statements", "peak Python MB", "met"],
                 names_of(group, ("action",)), cells)


def missed(group: dict[str, dict]) -> list[str]:
    """Every result over its budget, per database."""
    out = []
    for k, data in group.items():
        layout = floor_of(data["results"], False)
        names = [f"{r['name']} ({ms(pct(r['times'], 95))} ms p95)" if r["times"] else r["name"]
                 for r in data["results"] if budget(r, layout)[0] is False]
        pages = [r for r in data["results"] if (r.get("rss_mb") or 0) > WEB_MB and r["kind"] not in
                 ("report", "pdf-direct")]
        if pages:
            names.append(f"web RSS over 300 MB after {len(pages)} pages, from {pages[0]['name']}")
        out.append(f"- {KINDS[k]}: " + ("; ".join(names) or "none") + ".")
    return out
