"""`pip install .` (not editable) into a fresh virtual environment, beside the locked versions of what running
needs, gives an app that renders its pages."""
from __future__ import annotations

import configparser
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _listed_packages() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return {line.strip() for line in config["options"]["packages"].splitlines() if line.strip()}


def test_every_package_is_listed_in_setup_cfg():
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "hiring").rglob("__init__.py")
    }
    assert on_disk | {"hiring.templates", "hiring.migrations"} == _listed_packages()


SMOKE = textwrap.dedent(
    """
    import sys, tempfile, pathlib
    import hiring
    from hiring import create_app
    from flask_migrate import upgrade
    assert "site-packages" in hiring.__file__, hiring.__file__
    tmp = pathlib.Path(tempfile.mkdtemp())
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite'}"})
    assert "site-packages" in app.template_folder, app.template_folder
    with app.app_context():
        upgrade()
    page = app.test_client().get("/login")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    assert "<h1>Sign in</h1>" in html and "style.css" in html, html
    assert app.test_client().get("/static/style.css").status_code == 200
    missing = app.test_client().get("/nowhere")
    assert missing.status_code == 404 and "Not found" in missing.get_data(as_text=True)
    print("WHEEL-OK")
    """
)


@pytest.mark.slow
def test_wheel_install_renders_pages(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
                   check=True, cwd=tmp_path)
    wheel = next(wheels.glob("*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # The lock as `make run` installs it, then the wheel with no dependencies of its own: this also proves
    # that requirements/run.txt is complete and installable.
    subprocess.run([*pip, "--require-hashes", "-r", str(ROOT / "requirements" / "run.txt")], check=True, cwd=tmp_path)
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, cwd=tmp_path)
    check = subprocess.run([str(python), "-m", "pip", "check"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    result = subprocess.run([str(python), "-c", SMOKE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WHEEL-OK" in result.stdout
