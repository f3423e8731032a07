"""Active users per role (`user_counts`) are kept by the database (migration 0037) through every way an
account changes, and the admin's home reads them instead of counting every account."""
from __future__ import annotations

import random

import sqlalchemy as sa

from hiring.dashboard.service import users_by_role
from hiring.extensions import db
from hiring.models import Role, User
from tests import factories


def _recounted() -> dict[Role, int]:
    rows = db.session.execute(sa.select(User.role, sa.func.count()).where(User.active).group_by(User.role)).all()
    found = dict(rows)
    return {role: found.get(role, 0) for role in Role}


def test_the_counts_follow_accounts_made_closed_reopened_changed_and_deleted(app):
    hr = factories.user(Role.HR)
    factories.user(Role.HR)
    closed = factories.user(Role.INTERVIEWER, active=False)
    db.session.commit()
    counts = users_by_role(db.session)
    assert (counts[Role.HR], counts[Role.INTERVIEWER]) == (2, 0)
    hr.role = Role.RECRUITER  # a role change moves the account
    closed.active = True      # reopening counts it
    db.session.commit()
    counts = users_by_role(db.session)
    assert (counts[Role.HR], counts[Role.RECRUITER], counts[Role.INTERVIEWER]) == (1, 1, 1)
    hr.active = False         # closing takes it out
    db.session.commit()
    assert users_by_role(db.session)[Role.RECRUITER] == 0
    db.session.delete(closed)
    db.session.commit()
    assert users_by_role(db.session) == _recounted()


def test_the_counts_stay_true_through_many_random_changes(app):
    rng = random.Random(37)
    people = [factories.user(rng.choice(list(Role)), active=rng.random() < 0.8) for _ in range(25)]
    db.session.commit()
    for _ in range(120):
        person = rng.choice(people)
        step = rng.random()
        if step < 0.4:
            person.role = rng.choice(list(Role))
        elif step < 0.8:
            person.active = not person.active
        else:  # written without the app, as an import would
            db.session.execute(sa.update(User).where(User.id == person.id).values(active=rng.random() < 0.5))
        db.session.commit()
        db.session.refresh(person)
    assert users_by_role(db.session) == _recounted()


def test_the_admins_home_reads_a_row_per_role(client, login_as, count_queries):
    login_as(Role.ADMIN)
    for _ in range(3):
        factories.user(Role.NEW_HIRE)
    db.session.commit()
    with count_queries() as counted:
        counts = users_by_role(db.session)
    assert counts[Role.NEW_HIRE] == 3 and counts[Role.ADMIN] == 1
    assert counted.count == 1 and "FROM user_counts" in counted.statements[0] and "users" not in \
        counted.statements[0].replace("user_counts", "")
    assert "See all users" in client.get("/").get_data(as_text=True)


def test_the_migration_counts_the_accounts_already_there(app):
    from flask_migrate import downgrade, upgrade

    factories.user(Role.HR)
    factories.user(Role.HR, active=False)
    factories.user(Role.INTERVIEWER)
    db.session.commit()
    db.session.remove()
    downgrade(revision="0036")
    upgrade()
    assert users_by_role(db.session) == _recounted()
