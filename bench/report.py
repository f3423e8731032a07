"""The benchmark's table, its comparison with other sizes, and its own section of bench/RESULTS.md."""
from __future__ import annotations

import json
import math
from pathlib import Path

from bench.measure import Result

PAGE_BUDGET_MS, FLOOR_BUDGET = 50.0, 5.0
# The budgets of issue 11 by name prefix: (p95 in seconds, times the floor or None, words). Pages not named
# here: 50 ms and 5 times the floor. A PDF over a few seconds should run as a background job instead.
BUDGETS = [
    ("floor", None, None, "-"),
    ("submit a scorecard", 0.050, None, "50 ms"),
    ("offer statistics", 0.300, None, "300 ms"),
    ("retention chart", 0.300, None, "300 ms"),
    ("PDF: candidate dossier", 1.0, None, "1 s"),
    ("PDF: offer and retention", 3.0, None, "3 s"),
    ("PDF:", 3.0, None, "3 s, or a background job"),
    ("recompute all scores", 10.0, None, "10 s"),
    ("train the retention model", None, None, "-"),
]

def comparison(folder: Path, kind: str, candidates: int) -> dict[int, dict[str, str]]:
    """Query counts per page from earlier runs at other sizes on the same database kind: {size: {name: n}}."""
    out = {}
    for path in sorted(folder.glob(f"{kind}-*.json")) if folder.is_dir() else []:
        data = json.loads(path.read_text())
        size = data["info"]["size"]["candidates"]
        if size != candidates:
            out[size] = {r["name"]: _range(r["queries"]) for r in data["results"]}
    return out


def _range(queries: list[int]) -> str:
    return "-" if not queries else (str(min(queries)) if min(queries) == max(queries) else
                                    f"{min(queries)}-{max(queries)}")


def _ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    ms = seconds * 1000
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


def _floor(results: list[Result]) -> Result | None:
    return next((r for r in results if r.name.startswith("floor")), None)


def budget(r: Result) -> tuple[float | None, float | None, str]:
    """The budget a page or action is held to: (p95 seconds, times the floor, words)."""
    for prefix, seconds, floor_times, words in BUDGETS:
        if r.name.startswith(prefix):
            return seconds, floor_times, words
    return PAGE_BUDGET_MS / 1000, FLOOR_BUDGET, f"{PAGE_BUDGET_MS:.0f} ms, {FLOOR_BUDGET:.0f}× floor"


def is_slow(r: Result, floor: Result | None) -> bool:
    """Over its budget: the p95 above the time, or above the multiple of the floor's p95."""
    seconds, times, _words = budget(r)
    return bool((seconds is not None and r.p95 > seconds)
                or (times is not None and floor is not None and r.p95 > times * floor.p95))


def table(results: list[Result], info: dict, others: dict[int, dict[str, str]]) -> str:
    """The results as a Markdown table: pages and actions."""
    floor = _floor(results)
    sizes = sorted(others)
    head = ["page or action", "as", "median ms", "p95 ms", "p50 × floor", "p95 × floor", "queries",
            *[f"queries at {s:,}" for s in sizes], "peak MB", "KB", "budget (p95)", "over", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in sorted(results, key=lambda r: r.role == "-"):  # pages first, then the actions
        page = r.role != "-"
        ratio = lambda a, b: f"{a / b:,.1f}" if floor and b > 0 and page else "-"  # noqa: E731
        row = [r.name, r.role, _ms(r.median), _ms(r.p95),
               ratio(r.median, floor.median) if floor else "-", ratio(r.p95, floor.p95) if floor else "-",
               r.query_range, *[others[s].get(r.name, "-") for s in sizes],
               "-" if r.peak_bytes is None else f"{r.peak_bytes / 2 ** 20:,.1f}",
               f"{r.size_bytes / 1024:,.0f}" if page else "-", budget(r)[2], "yes" if is_slow(r, floor) else "",
               r.note]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def heading(info: dict) -> str:
    """Date, size, database kind and machine, in one line."""
    m = info["machine"]
    return (f"## Pages and actions (`python -m bench.run`): {info['when'][:10]}, "
            f"{info['size']['candidates']:,} candidates, {m['database']}, {m['cores']} cores")


def section(results: list[Result], info: dict, others: dict) -> str:
    """The Markdown section of one run."""
    m, s = info["machine"], info["size"]
    floor = _floor(results)
    slow = [r for r in results if is_slow(r, floor)]
    lines = [
        heading(info), "",
        f"{info['when']}. Size: {s['candidates']:,} candidates, {s['applications']:,} applications, "
        f"{s['scorecards']:,} scorecards, {s['ratings']:,} ratings, {s['hires']:,} hires (`python -m bench.generate`).",
        f"Machine: {m['cores']} cores, {m['memory']}, {m['cpu']}, Python {m['python']}, {m['database']}; load "
        f"average {m['load']} at the start and {m.get('load after', '?')} at the end. Code: {m['code']}.",
        f"Each page: one warm-up request, then up to the repeat count (fewer when a page takes longer than the "
        f"time limit); queries are SQL statements per request (BEGIN/COMMIT not counted); peak MB is the "
        f"tracemalloc peak of one more request (Python allocations only). The floor is a page registered by the "
        f"benchmark (the site's layout and SELECT 1); the password form is the lightest page of the app itself. "
        f"The run took {info.get('seconds', '?')} s.",
        "", table(results, info, others), "",
        "Over budget: " + ("; ".join(f"{r.name} ({_ms(r.p95)} ms, {r.query_range} queries)" for r in slow)
                           or "none") + ".",
        *([f"Failed: " + "; ".join(f"{r.name} ({r.note})" for r in results if "FAILED" in r.note) + "."]
          if any("FAILED" in r.note for r in results) else []),
        f"Memory: a web worker's budget is 300 MB. The benchmark's process peaked at "
        f"{info.get('rss', {}).get('VmHWM', float('nan')):,.0f} MB resident while serving the pages (one process "
        f"serving every page in turn), and at "
        f"{info.get('rss_pages', {}).get('VmHWM', float('nan')):,.0f} MB before the PDF reports, which a report "
        f"worker renders when REDIS_URL is set; the largest Python peak of one request was "
        f"{max((r.peak_bytes or 0) for r in results if r.role != '-') / 2 ** 20:,.0f} MB ("
        f"{max((r for r in results if r.role != '-'), key=lambda r: r.peak_bytes or 0).name})."]
    grown = [(r.name, r.query_range, {size: q[r.name] for size, q in others.items() if r.name in q})
             for r in results if any(q.get(r.name, r.query_range) != r.query_range for q in others.values())]
    if grown:
        lines.append("Query counts that differ with the size: " + "; ".join(
            f"{name}: {here} here, " + ", ".join(f"{q} at {size:,}" for size, q in there.items())
            for name, here, there in grown) + ".")
    return "\n".join(lines) + "\n"


def write_section(path: Path, key: str, results: list[Result], info: dict, others: dict) -> None:
    """Replace this run's own section (same database kind and size) or add it; the rest is kept as is."""
    start, end = f"<!-- bench.run {key} -->", f"<!-- /bench.run {key} -->"
    body = f"{start}\n{section(results, info, others)}{end}\n"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + body + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text)


def main() -> None:
    """`python -m bench.report`: rewrite the sections of RESULTS.md from bench/results/*.json (after a run at
    another size, so that each section compares its query counts with the others)."""
    from dataclasses import fields

    folder = Path(__file__).resolve().parent / "results"
    names = {f.name for f in fields(Result)}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        info = data["info"]
        results = [Result(**{k: v for k, v in r.items() if k in names}) for r in data["results"]]
        others = comparison(folder, info["kind"], info["size"]["candidates"])
        write_section(folder.parent / "RESULTS.md", path.stem, results, info, others)
        print(f"rewrote the section of {path.name}")


if __name__ == "__main__":
    main()
