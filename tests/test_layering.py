"""The house's layering, checked on the source: infrastructure imports no feature (docs/architecture.md,
"Rules of the house"), so that features register with it and a worker can run any feature's work."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

HIRING = Path(__file__).resolve().parent.parent / "hiring"
# Data versions and snapshot storage, the task runner, stored files, columnar reads, paging, the database
# dialects, the clock and input bounds: modules every feature may use.
INFRASTRUCTURE = ["snapshots.py", "tasks", "files.py", "columns.py", "paging.py", "sqlite.py", "postgres.py",
                  "clock.py", "bounds.py", "textinput.py", "extensions.py", "errors.py", "errorpages.py",
                  "problems.py"]
# What infrastructure may import of our own: the models, each other, and the app factory (a worker builds it).
ALLOWED = {"hiring", "hiring.models", *(f"hiring.{name.removesuffix('.py')}" for name in INFRASTRUCTURE)}


def _own_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "hiring":
            found.add(node.module)
            if node.module == "hiring":  # from hiring import tasks: the module named
                found.update(f"hiring.{alias.name}" for alias in node.names if alias.name != "create_app")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "hiring")
    return found


def _allowed(module: str) -> bool:
    return any(module == allowed or module.startswith(allowed + ".") for allowed in ALLOWED - {"hiring"}) \
        or module == "hiring"


@pytest.mark.parametrize("name", INFRASTRUCTURE)
def test_infrastructure_imports_no_feature(name):
    paths = sorted((HIRING / name).rglob("*.py")) if (HIRING / name).is_dir() else [HIRING / name]
    features = {f"{path.relative_to(HIRING)}: {module}" for path in paths for module in _own_imports(path)
                if not _allowed(module)}
    assert features == set()


def test_the_check_sees_a_feature_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from hiring.scoring.calibration_service import calibration_data\n"
                   "from hiring import analytics\nfrom hiring import create_app\n")
    assert {m for m in _own_imports(bad) if not _allowed(m)} == {
        "hiring.scoring.calibration_service", "hiring.analytics"}
