"""Browser tests: Playwright drives the system Chromium against the app served on a free loopback port.

Without Chromium they skip with a message, except with REQUIRE_BROWSER=1, where they fail.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's own background traffic is refused on a closed network; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
# A PDF rendered while the page waits (a dossier, a prepared report handed over): on two cores shared with the
# rest of the suite, WeasyPrint has taken longer than the 15 s a click may otherwise take.
PDF_TIMEOUT_MS = 90_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    require_service("Chromium", f"nothing to run at {CHROMIUM}",
                    "install Debian's package 'chromium' to run the browser tests", env="REQUIRE_BROWSER")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on a free port with a fresh migrated database holding the demo company: (app, base URL).

    Tests drive the pages through the browser; they may read the database to choose their demo rows.
    """
    _require_chromium()
    from flask_migrate import upgrade

    from hiring import create_app, snapshots
    from hiring.demo import seed_demo
    from hiring.extensions import db

    folder = tmp_path_factory.mktemp("live")
    app = create_app({
        "SECRET_KEY": "browser-test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite'}",
    })
    with app.app_context():
        upgrade()
        seed_demo(db.session)
        db.session.commit()
        snapshots.warm_up()  # as `flask seed-demo` does: pages show their figures, not "being computed"
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    # The figures the last tests' writes made stale are being recomputed in the runner's threads (the prediction
    # charts after a week-5 review): let them finish. A daemon thread stopped by the interpreter's exit inside
    # Matplotlib's C++ (pybind11) code aborts the process ("terminate called without an active exception",
    # exit 134) after every test has passed.
    from hiring.tasks import runner

    assert runner.wait_idle(120), "background work did not finish"
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """The base URL of the app under test."""
    return live_app[1]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the run."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) per test; a screenshot of where it ended is kept for review."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


BLOCKING = ("serious", "critical")


class Auditor:
    """Runs an axe-core scan on the page the journey stands on and keeps a screenshot of it for review."""

    def __init__(self, page, test_name: str):
        self.page, self.test_name, self.count = page, test_name, 0

    def __call__(self, name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.count += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.test_name}-{self.count:02d}-{name}.png"), full_page=True)
        violations = Axe().run(self.page).response["violations"]
        blocking = [f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
                    for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"accessibility violations on {self.page.url}:\n" + "\n".join(blocking)


@pytest.fixture
def audit(page, request):
    """Call `audit("name")` on every page a journey passes: axe must find nothing serious or critical."""
    return Auditor(page, request.node.name)
