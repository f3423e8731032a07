"""Backups go too: `flask backup` deletes its copies older than BACKUP_KEEP_DAYS (or --keep-days) after a
successful copy, and purge-candidates warns how many older copies still hold the people it anonymised."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from hiring.backup import backups_before, prune_backups, taken_at
from hiring.extensions import db
from hiring.models import Stage, StageChange, utcnow
from tests import factories
from tests.test_backup import sqlite_app  # noqa: F401 (the fixture)

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)


def _empty_backups(instance_path: str) -> Path:
    """The instance's backups/ (shared by the tests of a run), without copies other tests left there."""
    folder = Path(instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("hiring-*.sqlite"):
        path.unlink()
    return folder


def _copy(folder, at: datetime):
    path = folder / f"hiring-{at.strftime('%Y%m%d-%H%M%S')}.sqlite"
    path.write_bytes(b"copy")
    return path


def test_only_copies_older_than_the_period_go_and_other_files_stay(tmp_path):
    exactly = _copy(tmp_path, NOW - timedelta(days=30))              # exactly 30 days: kept
    older = _copy(tmp_path, NOW - timedelta(days=30, seconds=1))      # a second more: deleted
    recent = _copy(tmp_path, NOW - timedelta(days=1))
    mine = tmp_path / "hiring-before-upgrade.sqlite"
    mine.write_bytes(b"the admin's own copy")
    assert taken_at(older) == NOW - timedelta(days=30, seconds=1) and taken_at(mine) is None
    assert prune_backups(tmp_path, NOW, 30) == [older]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (exactly, recent, mine))
    assert backups_before(tmp_path, NOW) == [exactly, recent]
    assert backups_before(tmp_path / "missing", NOW) == []


def test_backup_deletes_old_copies_after_a_sound_copy(sqlite_app, tmp_path):  # noqa: F811
    folder = _empty_backups(sqlite_app.instance_path)
    # Named by the time they were taken: one beyond the period (30 days by default) and one within it.
    today = datetime.now(timezone.utc)
    old, kept = _copy(folder, today - timedelta(days=40)), _copy(folder, today - timedelta(days=3))
    result = sqlite_app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 backup older than 30 days." in result.output
    assert not old.exists() and kept.exists() and len(list(folder.glob("hiring-*.sqlite"))) == 2
    result = sqlite_app.test_cli_runner().invoke(args=["backup", "--keep-days", "2",
                                                       "--output", str(tmp_path / "elsewhere.sqlite")])
    assert result.exit_code == 0 and "Deleted 1 backup older than 2 days." in result.output, result.output
    assert not kept.exists()
    refused = sqlite_app.test_cli_runner().invoke(args=["backup", "--keep-days", "0"])
    assert refused.exit_code != 0


def test_purge_warns_that_older_backups_still_hold_the_data(app, runner):
    folder = _empty_backups(app.instance_path)
    before = [_copy(folder, utcnow() - timedelta(days=d)) for d in (2, 9)]
    try:
        application = factories.application(stage=Stage.REJECTED)
        db.session.add(StageChange(application=application, from_stage=Stage.APPLIED, to_stage=Stage.REJECTED,
                                   changed_at=utcnow() - timedelta(days=60), reason="No"))
        db.session.commit()
        result = runner.invoke(args=["purge-candidates"])
        assert result.exit_code == 0 and "1 candidate anonymised." in result.output
        assert "Warning: 2 backups in" in result.output
        assert "still hold the personal data of the candidates anonymised now" in result.output
        assert "deletes backups older than 30 days" in result.output
        nothing = runner.invoke(args=["purge-candidates"])
        assert "0 candidates anonymised." in nothing.output and "Warning" not in nothing.output
    finally:
        for path in before:
            path.unlink(missing_ok=True)
