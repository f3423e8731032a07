"""What the benchmark ran on, and the memory of a process: cores, CPU, Python, database, load average, the
code's commit; resident memory now and at its peak (Linux /proc)."""
from __future__ import annotations

import hashlib
import os
import platform
import re
import subprocess
from pathlib import Path

import sqlalchemy as sa


def rss_peak_reset() -> bool:
    """Reset the process's peak resident memory (Linux), so that a later rss_mb() shows this part's peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def rss_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident memory now and at its peak, in MB (Linux)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def code_version(root: Path) -> str:
    """The commit, and whether the app's code (hiring/, templates/, migrations/) differs from it: then with a
    fingerprint of that uncommitted work, so that two runs can be seen to have measured the same code."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30).stdout

    try:
        head = git("rev-parse", "--short", "HEAD").strip() or "?"
        paths = ("hiring", "templates", "migrations")
        if not git("status", "--porcelain", *paths).strip():
            return head
        digest = hashlib.sha1(git("diff", "HEAD", "--", *paths).encode())
        for name in sorted(git("ls-files", "--others", "--exclude-standard", *paths).split()):
            digest.update(name.encode() + (root / name).read_bytes())
        return f"{head} with uncommitted work in the app (fingerprint {digest.hexdigest()[:10]})"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine(engine: sa.Engine) -> dict[str, str]:
    """What the benchmark ran on: cores, memory, CPU, Python, database and its version, load, code."""
    info = {"cores": str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else str(os.cpu_count())}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
        info["memory"] = f"{kib / 1024 ** 2:.1f} GiB"
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["cpu"] = cpu.group(1).strip() if cpu else platform.processor()
    except (OSError, AttributeError):
        info["memory"], info["cpu"] = "?", platform.processor() or "?"
    info["python"] = platform.python_version()
    if engine.dialect.name == "sqlite":
        import sqlite3

        info["database"] = f"SQLite {sqlite3.sqlite_version}"
    else:
        with engine.connect() as conn:
            info["database"] = f"PostgreSQL {conn.exec_driver_sql('SHOW server_version').scalar().split()[0]}"
    info["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    info["code"] = code_version(Path(__file__).resolve().parent.parent)
    return info
