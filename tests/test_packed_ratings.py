"""The first-version ratings packed per scorecard at submit (hiring/models/packed_ratings.py): written by the
submit service, left alone by an amendment, filled in by `pack_missing` (migration 0019), and the calibration
read from them equal, exactly, to the calibration read from the ratings and revisions as before."""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.interviews import service as interviews
from hiring.interviews.items import Answer, ScorecardInput
from hiring.errors import Forbidden
from hiring.models import InterviewKind, PackedRatings, Recommendation, Role, Scorecard, ScorecardStatus
from hiring.models.packed_ratings import pack, pack_missing, rating_code
from hiring.scoring.calibration_service import calibration_data
from tests import factories
from tests.test_aggregates import _random_interviews, close, ref_calibration_data, same


def _lines() -> dict[int, str]:
    return dict(db.session.execute(sa.select(PackedRatings.scorecard_id, PackedRatings.line)).all())


def test_rating_codes_and_a_packed_line():
    assert rating_code(7, None, 4, False) == (7 * 2) * 8 + 4
    assert rating_code(None, 3, None, True) == (3 * 2 + 1) * 8
    assert rating_code(None, 3, None, False) == (3 * 2 + 1) * 8  # not rated counts as no evidence, as before
    assert pack(12, 5, 9, [(None, 3, 2, False), (1, None, 5, False)]) == "-12,5,9,21,58"
    assert pack(12, 5, 9, []) == "-12,5,9"


def _answers(value, requirement, score):
    return ScorecardInput(answers={f"v{value.id}": Answer(score=score, evidence="Seen."),
                                   f"r{requirement.id}": Answer(no_evidence=True, evidence="Not asked.")},
                          recommendation=Recommendation.YES)


def test_the_submit_packs_the_first_version_and_an_amendment_leaves_it(app):
    value = factories.core_value(name="Be humble")
    job = factories.job(requirements=1)
    (requirement,) = job.requirements
    person = factories.user(Role.INTERVIEWER)
    assignment = factories.assignment(factories.application(job), person, InterviewKind.HIRING_MANAGER)
    db.session.commit()
    draft = interviews.save(db.session, assignment, person, _answers(value, requirement, 2), submit=False,
                            version=None)
    db.session.commit()
    assert _lines() == {}  # a draft is not packed
    card = interviews.save(db.session, assignment, person, _answers(value, requirement, 2), submit=True,
                           version=str(draft.version))
    db.session.commit()
    first = pack(card.id, person.id, assignment.application_id,
                 [(None, value.id, 2, False), (requirement.id, None, None, True)])
    assert _lines() == {card.id: first}
    interviews.amend(db.session, assignment, person, _answers(value, requirement, 5), reason="Reread my notes",
                     version=str(card.version))
    db.session.commit()
    assert _lines() == {card.id: first}
    assert pack_missing(db.session.connection()) == 0  # nothing left to pack
    data = calibration_data(db.session)
    assert data["first_versions"] == 1 and data["people"][0].distribution[2] == 1
    assert data["people"][0].distribution[5] == 0


def test_a_failed_submit_packs_nothing(app):
    value = factories.core_value(name="Be humble")
    job = factories.job(requirements=1)
    person, other = factories.user(Role.INTERVIEWER), factories.user(Role.INTERVIEWER)
    assignment = factories.assignment(factories.application(job), person, InterviewKind.VALUES)
    db.session.commit()
    with pytest.raises(interviews.Incomplete):  # nothing rated
        interviews.save(db.session, assignment, person, ScorecardInput(answers={}, recommendation=None),
                        submit=True, version=None)
    db.session.rollback()
    with pytest.raises(Forbidden):  # not the assigned interviewer
        interviews.save(db.session, assignment, other,
                        ScorecardInput(answers={f"v{value.id}": Answer(score=3, evidence="Seen.")},
                                       recommendation=Recommendation.YES), submit=True, version=None)
    db.session.rollback()
    assert _lines() == {}


@pytest.mark.parametrize("seed", range(3))
def test_the_packed_read_equals_the_read_of_ratings_and_revisions(app, seed):
    """On random interviews (drafts, amendments, an interviewer twice on one candidate): the calibration read
    from the ratings and revisions (no scorecard packed), from half of them packed, and from all packed is
    the same, exactly; and equal to the slow reference."""
    _random_interviews(random.Random(seed))
    unpacked = calibration_data(db.session)
    close(unpacked, ref_calibration_data(db.session))
    submitted = db.session.scalars(sa.select(Scorecard.id).where(Scorecard.status == ScorecardStatus.SUBMITTED)
                                   .order_by(Scorecard.id)).all()
    # Half packed: pack everything, then forget every other line.
    assert pack_missing(db.session.connection()) == len(submitted)
    db.session.execute(sa.delete(PackedRatings).where(PackedRatings.scorecard_id.in_(submitted[::2])))
    same(calibration_data(db.session), unpacked)
    assert pack_missing(db.session.connection()) == len(submitted[::2])
    assert set(_lines()) == set(submitted)  # drafts are never packed
    same(calibration_data(db.session), unpacked)


def test_an_amended_away_item_deleted_since_is_left_out_as_before(app):
    """A first version may name an item deleted since; read packed or not, it is left out the same way."""
    value = factories.core_value(name="Be humble")
    people = [factories.user(Role.INTERVIEWER) for _ in range(3)]
    for _ in range(3):
        application = factories.application()
        for k, person in enumerate(people):
            factories.submitted_scorecard(factories.assignment(application, person), {value: 3 + (k == 2)})
    db.session.commit()
    unpacked = calibration_data(db.session)
    pack_missing(db.session.connection())
    card = db.session.scalars(sa.select(PackedRatings)).first()
    card.line += f",{(10_000 * 2 + 1) * 8 + 5}"  # a core value that no longer exists
    db.session.flush()
    same(calibration_data(db.session), unpacked)


def test_a_malformed_line_is_an_error_not_a_figure(app):
    value = factories.core_value(name="Be humble")
    person = factories.user(Role.INTERVIEWER)
    factories.submitted_scorecard(factories.assignment(factories.application(), person), {value: 3})
    db.session.commit()
    pack_missing(db.session.connection())
    card = db.session.scalars(sa.select(PackedRatings)).one()
    card.line = card.line.lstrip("-")  # no marker where the scorecard begins
    db.session.flush()
    with pytest.raises(ValueError):
        calibration_data(db.session)


def test_the_demo_company_is_packed_like_submitted_scorecards(app):
    """seed-demo writes scorecards directly; it packs them, so the calibration of `make run` reads packed rows."""
    import sqlalchemy as sa

    from hiring.demo.seed import seed_demo
    from hiring.extensions import db
    from hiring.models import PackedRatings, Scorecard, ScorecardStatus

    seed_demo(db.session)
    submitted = db.session.scalar(sa.select(sa.func.count()).select_from(Scorecard)
                                  .where(Scorecard.status != ScorecardStatus.DRAFT))
    assert submitted > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PackedRatings)) == submitted
