"""The counters of applications per job and stage (hiring/models/stage_counts.py), kept by triggers."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hiring.extensions import db
from hiring.models import Application, Candidate, Stage, StageCount
from hiring.models.stage_counts import applications_count
from tests import factories as f


def counters() -> dict:
    """The kept counts, zeros left out (a job whose last application in a stage left keeps a 0 row)."""
    return {(j, s): n for j, s, n in db.session.execute(sa.select(StageCount.job_id, StageCount.stage, StageCount.n))
            if n}


def counted() -> dict:
    """The same counted from the applications themselves."""
    return {(j, s): n for j, s, n in db.session.execute(
        sa.select(Application.job_id, Application.stage, sa.func.count()).group_by(Application.job_id,
                                                                                   Application.stage))}


def test_inserts_moves_and_deletes_keep_the_counters_true(app):
    one, two = f.job(), f.job()
    apps = [f.application(one) for _ in range(3)] + [f.application(two) for _ in range(2)]
    db.session.commit()
    assert counters() == {(one.id, Stage.APPLIED): 3, (two.id, Stage.APPLIED): 2} == counted()

    apps[0].stage = Stage.SCREENING
    apps[1].stage = Stage.REJECTED
    apps[3].job_id = one.id          # moved to the other job
    db.session.commit()
    assert counters() == {(one.id, Stage.APPLIED): 2, (one.id, Stage.SCREENING): 1, (one.id, Stage.REJECTED): 1,
                          (two.id, Stage.APPLIED): 1} == counted()

    # A bulk UPDATE outside the ORM counts too: the triggers see every row.
    db.session.execute(sa.update(Application).where(Application.job_id == one.id,
                                                    Application.stage == Stage.APPLIED).values(stage=Stage.DECISION))
    db.session.commit()
    assert counters() == counted()

    # The database's cascade from a deleted candidate (the retention purge) takes their applications off.
    db.session.execute(sa.delete(Candidate).where(Candidate.id == apps[0].candidate_id))
    db.session.commit()
    assert counters() == counted()
    assert db.session.scalar(applications_count()) == 4
    assert db.session.scalar(applications_count(one.id)) == 3
    assert db.session.scalar(applications_count(one.id, Stage.DECISION)) == 2
    assert db.session.scalar(applications_count(two.id, Stage.HIRED)) == 0


def test_a_rolled_back_application_is_not_counted(app):
    job = f.job()
    db.session.commit()
    f.application(job)
    db.session.rollback()
    assert db.session.scalar(applications_count(job.id)) == 0


def test_a_counter_cannot_go_below_zero(app):
    job = f.job()
    f.application(job)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(StageCount).values(n=-1))
        db.session.flush()
    db.session.rollback()


def test_the_job_pipeline_the_jobs_list_and_the_recruiters_home_read_the_counters(app, client, login_as):
    """The pages show the kept counts (changed here behind the triggers' back to prove where they come from)."""
    job = f.job(title="Counted job")
    for _ in range(2):
        f.application(job)
    db.session.commit()
    login_as("recruiter")
    assert "All (2)" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    db.session.execute(sa.update(StageCount).where(StageCount.job_id == job.id).values(n=7))
    db.session.commit()
    assert "All (7)" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert re.search(r'<td [^>]*class="num">7</td>', client.get("/jobs/").get_data(as_text=True))
    assert ">7<" in client.get("/").get_data(as_text=True).replace(" ", "")


def test_the_candidate_list_totals_from_the_counters_without_a_search(app, client, login_as):
    """Unsearched (all, or by job and stage) the list's total is the counters'; a search counts its matches."""
    job = f.job()
    for name in ("Ada Counted", "Bea Counted", "Cor Other"):
        f.application(job, f.candidate(name=name))
    db.session.commit()
    login_as("recruiter")
    db.session.execute(sa.update(StageCount).where(StageCount.job_id == job.id).values(n=9))
    db.session.commit()
    assert "9 applications" in client.get("/pipeline/").get_data(as_text=True)
    assert "9 applications" in client.get(f"/pipeline/?job={job.id}&stage=applied").get_data(as_text=True)
    assert "2 applications" in client.get("/pipeline/?q=Counted").get_data(as_text=True)
