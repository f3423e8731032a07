"""The core values library: add, edit, reorder, retire, restore, delete only when never rated."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import AuditEvent, CoreValue, Rating, Role
from tests import factories

GOOD = {"name": "Be humble", "description": "Never above any task.", "questions": "Q one\n\n  Q two  ",
        **{f"anchor_{i}": f"Level {i} behaviour" for i in range(1, 6)}}


def _count(model=CoreValue) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _rated(value):
    """Give a value a rating on a submitted-or-draft scorecard."""
    card = factories.scorecard()
    db.session.add(Rating(scorecard=card, core_value_id=value.id, score=4, evidence="Example"))
    db.session.flush()


def test_add_and_edit_a_value(client, login_as):
    login_as(Role.HR)
    assert client.post("/values/new", data=GOOD).status_code == 302
    value = db.session.scalar(sa.select(CoreValue))
    assert value.name == "Be humble" and value.question_list() == ["Q one", "Q two"]
    assert value.anchors()[4] == (5, "Level 5 behaviour")
    edited = client.post(f"/values/{value.id}/edit", data=dict(GOOD, name="Be humble, always"))
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(CoreValue, value.id).name == "Be humble, always"
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["core_value_created", "core_value_updated"]


def test_errors_are_shown_next_to_the_field_and_nothing_typed_is_lost(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/values/new", data=dict(GOOD, name="  ", anchor_3="", description="<b>kept</b>"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="name-error"[^>]*>Give the value a name', html)
    assert re.search(r'id="anchor_3-error"[^>]*>Describe what a 3 looks like', html)
    assert "&lt;b&gt;kept&lt;/b&gt;" in html and "Level 5 behaviour" in html
    assert _count() == 0


def test_duplicate_names_are_refused_whatever_the_case(client, login_as):
    login_as(Role.HR)
    factories.core_value(name="Be humble")
    db.session.commit()
    response = client.post("/values/new", data=dict(GOOD, name="BE HUMBLE "))
    assert response.status_code == 409
    assert "There is already a core value called BE HUMBLE." in response.get_data(as_text=True)
    assert _count() == 1


def test_reorder(client, login_as):
    login_as(Role.HR)
    first, second, third = (factories.core_value(name=n) for n in ("First", "Second", "Third"))
    db.session.commit()
    client.post(f"/values/{third.id}/move", data={"direction": "up"})
    client.post(f"/values/{first.id}/move", data={"direction": "up"})  # at the top: nothing moves
    client.post(f"/values/{first.id}/move", data={"direction": "sideways"})
    names = db.session.scalars(sa.select(CoreValue.name).order_by(CoreValue.position)).all()
    assert names == ["First", "Third", "Second"]
    html = client.get("/values/").get_data(as_text=True)
    assert html.index("Third") < html.index("Second")


def test_a_rated_value_is_retired_never_deleted(client, login_as):
    login_as(Role.HR)
    value = factories.core_value(name="Rated")
    _rated(value)
    db.session.commit()
    refused = client.post(f"/values/{value.id}/delete", follow_redirects=True)
    assert "cannot be deleted; retire it instead" in refused.get_data(as_text=True)
    assert _count() == 1
    assert client.post(f"/values/{value.id}/retire").status_code == 302
    db.session.expire_all()
    assert db.session.get(CoreValue, value.id).retired_at is not None
    assert db.session.scalar(sa.select(Rating.core_value_id)) == value.id  # the scorecard still shows it
    html = client.get("/values/").get_data(as_text=True)
    assert "Retired values" in html and "No core values yet" in html
    assert client.post(f"/values/{value.id}/restore").status_code == 302
    db.session.expire_all()
    assert db.session.get(CoreValue, value.id).retired_at is None


def test_an_unrated_value_may_be_deleted(client, login_as):
    login_as(Role.HR)
    value = factories.core_value(name="Never used")
    db.session.commit()
    assert client.post(f"/values/{value.id}/delete").status_code == 302
    assert _count() == 0
    assert db.session.scalar(sa.select(AuditEvent.details).where(AuditEvent.action == "core_value_deleted")) == {
        "name": "Never used"}


def test_unknown_value_is_404(client, login_as):
    login_as(Role.HR)
    for url in ("/values/999/edit", ):
        assert client.get(url).status_code == 404
    for action in ("move", "retire", "restore", "delete"):
        assert client.post(f"/values/999/{action}").status_code == 404


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admin_and_hr(client, login_as, role):
    login_as(role)
    value = factories.core_value()
    db.session.commit()
    assert client.get("/values/").status_code == 403
    assert client.post("/values/new", data=GOOD).status_code == 403
    assert client.post(f"/values/{value.id}/retire").status_code == 403
    assert _count() == 1


def test_library_query_count_does_not_grow(client, login_as, count_queries):
    login_as(Role.HR)
    for _ in range(3):
        factories.core_value()
    db.session.commit()
    db.session.expire_all()
    with count_queries() as few:
        client.get("/values/")
    for _ in range(27):
        _rated(factories.core_value())
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        html = client.get("/values/").get_data(as_text=True)
    assert html.count('class="card"') == 30
    assert many.count == few.count
