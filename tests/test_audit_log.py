"""The audit log for admins: filterable, read-only."""
from __future__ import annotations

import re
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


def test_the_log_pages_by_position_older_and_newer(client, login_as, count_queries):
    admin = login_as(Role.ADMIN)
    now = utcnow()
    for i in range(120):
        event = record(db.session, actor_id=admin.id, action=f"event_{i:03d}", entity_type="job", entity_id=i)
        event.occurred_at = now - timedelta(minutes=120 - i) if i % 10 else now - timedelta(minutes=200)
    db.session.commit()  # every tenth event shares one instant: the id breaks the tie
    db.session.expire_all()
    with count_queries() as first_count:
        first = client.get("/admin/audit").get_data(as_text=True)
    newest = [f"event_{i:03d}" for i in range(119, 0, -1) if i % 10][:50]
    assert all(name in first for name in newest) and "Newer" not in first
    older = re.search(r'href="([^"]*before=[^"]*)"', first).group(1).replace("&amp;", "&")
    db.session.expire_all()  # every request then loads what it needs, as in production
    with count_queries() as second_count:
        second = client.get(older).get_data(as_text=True)
    assert second_count.count == first_count.count
    seen = set(re.findall(r"event_\d{3}", first)) & set(re.findall(r"event_\d{3}", second))
    assert not seen
    third = client.get(re.search(r'href="([^"]*before=[^"]*)"', second).group(1).replace("&amp;", "&"))
    third = third.get_data(as_text=True)
    every = set(re.findall(r"event_\d{3}", first + second + third))
    assert len(every) == 120 and 'rel="next"' not in third
    back = client.get(re.search(r'href="([^"]*after=[^"]*)"', third).group(1).replace("&amp;", "&"))
    assert set(re.findall(r"event_\d{3}", back.get_data(as_text=True))) == set(re.findall(r"event_\d{3}", second))
    assert client.get("/admin/audit?before=nonsense").status_code == 200


def test_filters_stay_on_the_page_links_and_new_hires_are_not_listed(client, login_as):
    admin = login_as(Role.ADMIN)
    new_hire = factories.user(Role.NEW_HIRE, name="Nina Newhire")
    for i in range(60):
        record(db.session, actor_id=admin.id, action="job_updated", entity_type="job", entity_id=i)
    record(db.session, actor_id=new_hire.id, action="task_ticked", entity_type="enrollment_task", entity_id=1)
    db.session.commit()
    html = client.get("/admin/audit?entity=job").get_data(as_text=True)
    assert "Nina Newhire" not in html and "task_ticked" not in html
    assert re.search(r'href="[^"]*before=[^"]*entity=job|href="[^"]*entity=job[^"]*before=', html)
    chosen = client.get(f"/admin/audit?actor={new_hire.id}").get_data(as_text=True)
    assert "Nina Newhire" in chosen and "task_ticked" in chosen and "job_updated" not in chosen
    assert '<option value="enrollment_task"' in chosen and '<option value="job"' in chosen
