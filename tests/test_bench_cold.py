"""bench/cold.py cannot rot: every cached aggregate computed afresh on a tiny generated company, with the
statements each sent. No timing is asserted here."""
from __future__ import annotations

from bench.cold import run, table
from bench.generate import Size, generate, prepare
from hiring.extensions import db


def test_cold_recomputes_run_and_print_a_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'cold.sqlite'}"
    app = prepare(url)
    try:
        generate(app, Size(candidates=60, seed=5), quiet=True, audit=False)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    rows = run(url, repeat=1, memory=False)
    *results, about = rows
    assert about["candidates"] == 60
    assert [r["name"] for r in results][:3] == ["calibration", "fairness (all jobs)", "offer statistics"]
    # The statements are fixed whatever the size (tests/test_query_counts.py checks the pages); the calibration
    # reads the packed first versions (the generator packs them, as the submit service does).
    assert {r["name"]: r["queries"] for r in results} == {
        "calibration": 4, "fairness (all jobs)": 2, "offer statistics": 1, "retention curves: all": 1,
        "retention curves: band": 1, "retention curves: cohort": 1, "retention chart SVG: band": 1}
    text = table(rows)
    assert "| calibration |" in text and "60 candidates" in text
    assert run(url, repeat=1, only="fairness", memory=False)[0]["name"] == "fairness (all jobs)"
