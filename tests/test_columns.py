"""Reading rows as columns through one aggregated string (hiring/columns.py), on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pytest
import sqlalchemy as sa

from hiring.columns import int_columns, int_columns_by, text_columns
from hiring.extensions import db
from hiring.models import Application, CoreValue, Hire, SelfIdentification, Stage, StageChange
from tests import factories


def test_int_columns_reads_every_row(app):
    values = [factories.core_value() for _ in range(5)]
    db.session.commit()
    rows = int_columns(db.session, sa.select(CoreValue.id, CoreValue.id * -3, sa.cast(CoreValue.id, sa.BigInteger)
                                             + 2 ** 40))
    assert rows.dtype == np.int64 and rows.shape == (5, 3)
    assert sorted(rows.tolist()) == [[v.id, -3 * v.id, v.id + 2 ** 40] for v in sorted(values, key=lambda v: v.id)]


def test_int_columns_of_nothing_keeps_the_width(app):
    assert int_columns(db.session, sa.select(CoreValue.id, CoreValue.id).where(CoreValue.id < 0)).shape == (0, 2)


def test_a_null_is_an_error_not_a_shifted_column(app):
    factories.core_value()
    factories.core_value(retired_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    db.session.commit()
    stmt = sa.select(CoreValue.id, sa.case((CoreValue.retired_at.is_(None), None), else_=CoreValue.id))
    with pytest.raises(ValueError, match="NULL"):
        int_columns(db.session, stmt)


def test_text_columns_give_dates_and_times_as_iso_text_and_nulls_empty(app):
    if db.engine.dialect.name == "postgresql":
        # Whatever the server's date style, the text is ISO 8601, which NumPy reads.
        db.session.execute(sa.text("SET LOCAL DateStyle = 'SQL, DMY'"))
    application = factories.application(stage=Stage.HIRED)
    factories.hire(application, start=date(2026, 3, 4), end_date=None)
    db.session.add(StageChange(application=application, to_stage=Stage.APPLIED, reason="x",
                               changed_at=datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=timezone.utc)))
    db.session.flush()
    starts, ends, ids = text_columns(db.session, sa.select(Hire.start_date, Hire.end_date, Hire.id))
    assert starts == ["2026-03-04"] and ends == [""] and len(ids) == 1
    (at,) = text_columns(db.session, sa.select(StageChange.changed_at))
    assert np.array(at, dtype="datetime64[us]").tolist() == [datetime(2026, 3, 4, 5, 6, 7, 89)]


def test_text_columns_refuse_a_value_with_a_comma(app):
    factories.core_value(name="Humble, and kind")
    db.session.commit()
    with pytest.raises(ValueError, match="comma"):
        text_columns(db.session, sa.select(CoreValue.id, CoreValue.name))


def test_int_columns_by_groups_on_labels(app):
    job = factories.job()
    for gender in ("woman", "woman", "man", None):
        candidate = factories.candidate()
        if gender:
            db.session.add(SelfIdentification(candidate_id=candidate.id, gender=gender))
        factories.application(job, candidate)
    db.session.commit()
    groups = int_columns_by(db.session, sa.select(SelfIdentification.gender, Application.id, Application.id * 2)
                            .select_from(Application)
                            .outerjoin(SelfIdentification, SelfIdentification.candidate_id ==
                                       Application.candidate_id), keys=1)
    sizes = {key: rows.shape for key, rows in groups}
    assert sizes == {("woman",): (2, 2), ("man",): (1, 2), (None,): (1, 2)}
    for _, rows in groups:
        assert (rows[:, 1] == 2 * rows[:, 0]).all()
