"""The audit log for admins: filterable, read-only."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hiring.audit import record
from hiring.extensions import db
from hiring.models import Role, utcnow
from tests import factories


def test_audit_log_filters_and_escapes(client, login_as):
    admin = login_as(Role.ADMIN)
    other = factories.user(Role.RECRUITER, name="Rita Recruiter")
    record(db.session, actor_id=other.id, action="stage_changed", entity_type="application", entity_id=7,
           reason="<script>x</script>")
    old = record(db.session, actor_id=admin.id, action="core_value_created", entity_type="core_value", entity_id=3)
    old.occurred_at = utcnow() - timedelta(days=40)
    db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "stage_changed" in html and "core_value_created" in html and "<script>x" not in html
    only_rita = client.get(f"/admin/audit?actor={other.id}").get_data(as_text=True)
    assert "stage_changed" in only_rita and "core_value_created" not in only_rita
    by_entity = client.get("/admin/audit?entity=core_value").get_data(as_text=True)
    assert "core_value_created" in by_entity and "stage_changed" not in by_entity
    recent = client.get(f"/admin/audit?from={(utcnow() - timedelta(days=7)).date().isoformat()}").get_data(as_text=True)
    assert "stage_changed" in recent and "core_value_created" not in recent
    bad = client.get("/admin/audit?from=yesterday")
    assert bad.status_code == 400 and "Give the date as YYYY-MM-DD." in bad.get_data(as_text=True)


def test_the_log_cannot_be_changed_through_the_app(app):
    rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


@pytest.mark.parametrize("role", [Role.HR, Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admins(client, login_as, role):
    login_as(role)
    assert client.get("/admin/audit").status_code == 403


def test_admin_closes_and_reopens_an_account(make_app):
    app = make_app()
    with app.app_context():
        admin = factories.user(Role.ADMIN)
        target = factories.user(Role.RECRUITER, name="Cleo Closed")
        ids = (admin.email, target.email, target.id, admin.id)
        db.session.commit()
        db.session.remove()
    admin_email, target_email, target_id, admin_id = ids
    boss, them = app.test_client(), app.test_client()
    boss.post("/login", data={"email": admin_email, "password": factories.PASSWORD})
    them.post("/login", data={"email": target_email, "password": factories.PASSWORD})
    assert them.get("/").status_code == 200
    assert boss.post(f"/admin/users/{target_id}/active").status_code == 302
    assert them.get("/").status_code == 302  # the session ended at once
    assert them.post("/login", data={"email": target_email, "password": factories.PASSWORD}).status_code == 200
    assert "do not match an active account" in them.post(
        "/login", data={"email": target_email, "password": factories.PASSWORD}).get_data(as_text=True)
    boss.post(f"/admin/users/{target_id}/active")
    them.post("/login", data={"email": target_email, "password": factories.PASSWORD})
    assert them.get("/").status_code == 200
    own = boss.post(f"/admin/users/{admin_id}/active", follow_redirects=True)
    assert "You cannot close your own account." in own.get_data(as_text=True)
    assert boss.post("/admin/users/999999/active").status_code == 404
    with app.app_context():
        from hiring.models import AuditEvent
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["account_closed", "account_reopened"]
