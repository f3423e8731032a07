"""Every package the code imports is declared in setup.cfg, and requirements/ locks versions that satisfy it."""
from __future__ import annotations

import ast
import configparser
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent
OWN = {"hiring", "tests", "bench", "migrations"}


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def _requirements(text: str) -> list[Requirement]:
    return [Requirement(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _declared(*extras: str) -> list[Requirement]:
    """install_requires plus the named extras ("*" for all of them)."""
    config = _setup_cfg()
    found = _requirements(config["options"]["install_requires"])
    for extra, text in config["options.extras_require"].items():
        if "*" in extras or extra in extras:
            found += _requirements(text)
    return found


def _imported_top_level(folder: Path) -> dict[str, str]:
    """Top-level module name -> first file importing it, for absolute imports outside the standard library."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN and top != "__future__":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(("folder", "extras"), [("hiring", ("*",)), ("migrations", ()), ("tests", ("dev",)),
                                                ("bench", ("dev",))])
def test_every_imported_package_is_declared(folder, extras):
    # hiring/ may import an optional extra's package (Redis, RQ) where that feature is used.
    declared = {canonicalize_name(r.name) for r in _declared(*extras)}
    distributions = metadata.packages_distributions()
    undeclared = []
    for module, where in _imported_top_level(ROOT / folder).items():
        names = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not names & declared:
            undeclared.append(f"{module} ({', '.join(sorted(names))}), imported in {where}")
    assert not undeclared, "imported but not declared in setup.cfg:\n" + "\n".join(undeclared)


def _lock(name: str) -> dict[str, str]:
    """requirements/<name>.txt as {distribution: version}; every pin carries its hashes."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text()
    pins = {}
    for match in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text,
                             re.MULTILINE):
        pins[canonicalize_name(match.group(1))] = match.group(2)
    unhashed = [line for line in text.splitlines() if "==" in line and not line.rstrip().endswith("\\")]
    assert not unhashed, f"pins without hashes in requirements/{name}.txt: {unhashed}"
    return pins


@pytest.mark.parametrize(("lock", "extras"), [("run", ()), ("test", ("dev",))])
def test_the_lock_satisfies_setup_cfg(lock, extras):
    pins = _lock(lock)
    wrong = []
    for requirement in _declared(*extras):
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{requirement} is locked at {version}")
    assert not wrong, "requirements/ is stale, refresh it with `make lock`:\n" + "\n".join(wrong)


def test_running_and_testing_lock_the_same_versions():
    run, test = _lock("run"), _lock("test")
    assert set(run) <= set(test)
    assert {name: version for name, version in test.items() if name in run} == run


def test_this_environment_holds_the_locked_versions():
    """make test installs requirements/test.txt; a suite run elsewhere says so (and .ci/run requires it)."""
    different = []
    for name, version in _lock("test").items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            different.append(f"{name} {installed} (locked {version})")
    if different:
        require_service("The locked environment", "here: " + "; ".join(different[:5]),
                        "`make test` installs requirements/test.txt", env="REQUIRE_LOCKED")
