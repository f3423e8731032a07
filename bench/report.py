"""The benchmark's tables: every stored run (bench/results/*.json) side by side, SQLite beside PostgreSQL at
the same size, and how each cost grows with the company; written into bench/RESULTS.md between markers.

`python -m bench.report` rewrites that part of RESULTS.md from the stored runs; the rest of the file is kept.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from bench.tables import (KINDS, action_table, by_kind, cold_table, floor_of, memory_table, missed, ms, pct,
                          query_range, result_named, warm_table)

START, END = "<!-- bench.report -->", "<!-- /bench.report -->"


def load(folder: Path) -> list[dict]:
    """The stored runs in this format, smallest company first."""
    runs = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = json.loads(path.read_text())
        if data.get("results") and all("kind" in r for r in data["results"]):
            runs.append(data)
    return sorted(runs, key=lambda d: (d["info"]["size"]["candidates"], d["info"]["kind"] != "sqlite"))


GROWS = ("floor", "page", "fresh", "cold", "write", "pdf")


def _layout_ratio(data: dict, r: dict) -> float:
    layout = floor_of(data["results"], False)
    return pct(r["times"], 95) / pct(layout["times"], 95) if layout and layout["times"] else float("nan")


def growth_table(runs: list[dict], kind: str) -> list[str]:
    """Each cost at the smallest and the largest size measured on one database kind, and by how much it grew.
    A page is judged by its multiple of the layout floor, measured in the same run, so that a busier machine
    during one of the runs does not pass for growth."""
    own = [d for d in runs if d["info"]["kind"] == kind]
    if len(own) < 2:
        return []
    small, big = own[0], own[-1]
    n0, n1 = small["info"]["size"]["candidates"], big["info"]["size"]["candidates"]
    factor = n1 / n0
    head = ["what", f"{n0:,} p95 ms", f"{n1:,} p95 ms", "grew ×", "p95 × layout floor, then → now",
            f"queries {n0:,} → {n1:,}", "reading"]
    lines = [f"{KINDS[kind]}, {n0:,} and {n1:,} candidates (the company {factor:.0f}× larger). A page's cost "
             "should not grow with the company (its queries read an index range or a page); a recompute, a "
             "report or a command reads everything and may grow with it, not faster.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    where = []
    for r1 in big["results"]:
        r0 = result_named(small, r1["name"])
        if r0 is None or not r0["times"] or not r1["times"]:
            continue
        a, b = pct(r0["times"], 95), pct(r1["times"], 95)
        grew = b / a if a > 0 else float("nan")
        f0, f1 = _layout_ratio(small, r0), _layout_ratio(big, r1)
        q0, q1 = query_range(r0), query_range(r1)
        more_queries = min(r1["queries"] or [0]) > max(r0["queries"] or [0])  # always more, not sometimes
        if r1["kind"] in GROWS and r1["kind"] != "floor":
            reading = "**grows with the data**" if (f1 > 1.5 * f0 and b - a > 0.005) or more_queries else "flat"
        elif r1["kind"] == "floor":
            reading = "(the unit)"
        else:
            reading = "**grows faster than the data**" if grew > 1.5 * factor else "with the data"
        lines.append(f"| {r1['name']} | {ms(a)} | {ms(b)} | {grew:,.1f} | {f0:,.1f} → {f1:,.1f} | {q0} → {q1} "
                     f"| {reading} |")
        slowest = (r1.get("extra") or {}).get("slowest")
        if reading.startswith("**") and slowest:
            before = {sql: t for t, sql in (r0.get("extra") or {}).get("slowest", [])}
            where.append(f"- {r1['name']}: slowest statement at {n1:,}: {slowest[0][0]:,.1f} ms"
                         + (f" (at {n0:,}: {before[slowest[0][1]]:,.1f} ms)" if slowest[0][1] in before else "")
                         + f": `{slowest[0][1]}`")
    if where:
        lines += ["", "Where it grows (the slowest statement of the last timed request):", "", *where]
    return lines


def runs_list(runs: list[dict]) -> list[str]:
    out = []
    for d in runs:
        i, m, s = d["info"], d["info"]["machine"], d["info"]["size"]
        out.append(f"- {m['database']}, {s['candidates']:,} candidates, {s['applications']:,} "
                   f"applications, {s['scorecards']:,} scorecards, {s['ratings']:,} ratings, "
                   f"{s.get('stage changes', 0):,} stage changes, {s['hires']:,} hires: {i['when']}, code "
                   f"{m['code']}; {m['cores']} cores ({m['cpu']}), {m['memory']}, Python {m['python']}; load "
                   f"average {m['load']} at the start, {m.get('load after', '?')} at the end; background work: "
                   f"{i['runner']}, SNAPSHOT_BACKGROUND_REFRESH "
                   f"{'on' if i.get('background_refresh', True) else 'off'}; the run took {i['seconds']} s"
                   + (f"; {i['model'].splitlines()[0]}" if i.get("model") else "") + ".")
    return out


HOW = """How it was measured. This process is the web process: Flask's test client, signed in through the login
form, no network. "first" is the first request of the run to a page, kept, never dropped; after it the task
runner is let finish what it was asked, and then the page is timed (p50, p95 of up to 20 requests). The floors:
a bare signed-in route (the sign-in check and `SELECT 1`, plain text) and the same in the site's layout, both
registered on the benchmark's app only, timed 100 times first and then once after every timed request of every
warm page, so that they are measured under the pages' own conditions; "× bare" and "× layout" are a page's p95
over the floor's p95. "web RSS MB after" is this process's resident memory right after the
page's requests (/proc/self/status), and its peak over all pages; the peak Python memory of a request
(tracemalloc) is in the JSON. Cold: a write through the app's own form (as the interviewer, recruiter or HR),
then the page's first request; "what it served" is observed (a snapshot stored by the request's own thread was
computed in the web request); "fresh figures stored" is the time from the end of the write until the page's
snapshots were stored anew; a recompute's time is the one its snapshot row records (the compute alone). Workers
are `flask worker` processes with instance folders of their own on the benchmark's Redis database; a worker's
peak is the kernel's (wait4 at its exit: the worker or a forked work horse, whichever was larger); each big
report is rendered by a burst worker of its own."""


def section(runs: list[dict]) -> str:
    lines = ["## Pages warm and cold, background work and memory (`python -m bench.run`)", "",
             "Generated by bench/report.py from bench/results/*.json. Runs:", "", *runs_list(runs), "", HOW, ""]
    for size in sorted({d["info"]["size"]["candidates"] for d in runs}):
        group = by_kind(runs, size)
        names = " and ".join(KINDS[k] for k in ("sqlite", "postgresql") if k in group)
        lines += [f"### {size:,} candidates: {names}", "", "Warm pages, the PDFs of one person, and writes:", "",
                  *warm_table(group), "", "Cold: each cached page's first request after a write that changes its "
                  "data, and how long until its fresh figures are stored:", "", *cold_table(group), "",
                  "Memory and the big reports:", "", *memory_table(group), "", "Commands:", "",
                  *action_table(group), "", "Over budget:", "", *missed(group), ""]
    for kind in ("sqlite", "postgresql"):
        table = growth_table(runs, kind)
        if table:
            lines += [f"### How each cost grows with the company: {KINDS[kind]}", "", *table, ""]
    return "\n".join(lines)


def run_table(data: dict) -> str:
    """One run, printed after it: the same tables with one database."""
    group = {data["info"]["kind"]: data}
    return "\n".join([*runs_list([data]), "", *warm_table(group), "", *cold_table(group), "",
                      *memory_table(group), "", *action_table(group), "", *missed(group)])


def write(path: Path, runs: list[dict]) -> None:
    """Put the generated section between its markers (replacing the per-run sections of older versions)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    text = re.sub(r"<!-- bench\.run [^>]*-->.*?<!-- /bench\.run [^>]*-->\n?", "", text, flags=re.S)
    body = f"{START}\n{section(runs)}{END}\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + body + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text)


def main() -> None:
    folder = Path(__file__).resolve().parent / "results"
    runs = load(folder)
    write(folder.parent / "RESULTS.md", runs)
    print(f"rewrote the generated section of RESULTS.md from {len(runs)} runs")


if __name__ == "__main__":
    main()
