"""Take the README's screenshots from the demo company: `make screenshots` (or `python docs/screenshots.py`).

A fresh demo in a temporary SQLite database, served on a free loopback port, photographed by the system Chromium
through Playwright, as the browser tests do (tests/browser/conftest.py). The pictures are for people, never
compared by a test: their bytes depend on the browser's version and the fonts of the machine.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from hiring import create_app, snapshots  # noqa: E402
from hiring.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from hiring.extensions import db  # noqa: E402
from hiring.models import (  # noqa: E402
    Application,
    InterviewAssignment,
    Job,
    JobStatus,
    Scorecard,
    ScorecardStatus,
    Stage,
    User,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
OUT = HERE / "screenshots"


def _targets() -> dict[str, str]:
    """The demo rows the pictures show: a decided candidate with three scorecards, an interview still to
    score, the busiest open job."""
    decided = db.session.scalar(
        sa.select(Application).where(Application.stage == Stage.DECISION, Application.values_fit.is_not(None))
        .order_by(Application.values_fit.desc()))
    iris = db.session.scalar(sa.select(User.id).where(User.email == "interviewer@demo.example"))
    pending = db.session.scalar(
        sa.select(InterviewAssignment.id).outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(InterviewAssignment.interviewer_id == iris,
               sa.or_(Scorecard.id.is_(None), Scorecard.status == ScorecardStatus.DRAFT))
        .order_by(InterviewAssignment.id))
    job = db.session.scalar(sa.select(Job.id).where(Job.status == JobStatus.OPEN).order_by(Job.id))
    return {"candidate": f"/pipeline/candidates/{decided.candidate_id}",
            "compare": f"/interviews/applications/{decided.id}/compare",
            "scorecard": f"/interviews/{pending}/scorecard", "board": f"/jobs/{job}/board"}


# (file, who signs in, page, viewport width); a page is a path or a key of _targets().
SHOTS = [
    ("recruiter-home.png", "recruiter@demo.example", "/", 1280),
    ("candidate.png", "recruiter@demo.example", "candidate", 1280),
    ("board.png", "recruiter@demo.example", "board", 1280),
    ("scorecard.png", "interviewer@demo.example", "scorecard", 1280),
    ("scorecards-side-by-side.png", "hr@demo.example", "compare", 1280),
    ("my-onboarding.png", "newhire@demo.example", "/", 1280),
    ("my-onboarding-phone.png", "newhire@demo.example", "/", 375),
    ("offer-and-retention.png", "hr@demo.example", "/analytics/offer", 1280),
    ("fairness.png", "hr@demo.example", "/reports/fairness", 1280),
    ("calibration.png", "hr@demo.example", "/scoring/calibration", 1280),
    ("prediction.png", "hr@demo.example", "/analytics/prediction#week5", 1280),
]


def main() -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    folder = Path(tempfile.mkdtemp(prefix="screenshots-"))
    app = create_app({"SECRET_KEY": "screenshots", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed_demo(db.session)
        db.session.commit()
        snapshots.warm_up()
        targets = _targets()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            chosen = set(sys.argv[1:])  # `python docs/screenshots.py prediction.png`: only those named
            for name, email, where, width in SHOTS:
                if chosen and name not in chosen:
                    continue
                context = browser.new_context(base_url=base, viewport={"width": width, "height": 900},
                                              device_scale_factor=1 if width > 600 else 2, locale="en-GB")
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("E-mail").fill(email)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(f"{base}/")
                page.goto(targets.get(where, where))
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / name), full_page=False)
                print(f"{OUT / name}")
                context.close()
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
