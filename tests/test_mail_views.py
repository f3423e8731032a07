"""The admins' "Sent mail" pages: admins only, a list without a query per row, each message shown safely (its
HTML never raw in the page, its links clickable), attachments as files, resend as a copy."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.mail import sending
from hiring.models import AuditEvent, OutboxMessage, Role
from hiring.tasks import runner as task_runner
from tests.mail_helpers import queue


@pytest.fixture(autouse=True)
def _sending_on(app, monkeypatch):
    """Messages are handed to the task runner, as production does (conftest turns it off)."""
    monkeypatch.setitem(app.config, "MAIL_BACKGROUND", True)


@pytest.fixture(autouse=True)
def dispatched(monkeypatch):
    handed = []
    monkeypatch.setattr(task_runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append(task_id))
    return handed


@pytest.mark.parametrize("role", [Role.HR, Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admins_see_the_mail(client, login_as, role):
    message_id = queue()
    login_as(role)
    for url in ("/admin/mail/", f"/admin/mail/{message_id}"):
        assert client.get(url).status_code == 403
    assert client.post(f"/admin/mail/{message_id}/resend").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert "/login" in client.get("/admin/mail/").headers["Location"]


def test_ids_that_name_nothing_are_404(client, login_as):
    message_id = queue(attachments=[("a.ics", "text/calendar", b"BEGIN:VCALENDAR")])
    other = queue(to="piet@example.test")
    attachment_id = db.session.get(OutboxMessage, message_id).attachments[0].id
    db.session.commit()
    login_as(Role.ADMIN)
    assert client.get("/admin/mail/999999").status_code == 404
    assert client.get(f"/admin/mail/{other}/attachments/{attachment_id}").status_code == 404  # not its own
    assert client.get(f"/admin/mail/{message_id}/attachments/999999").status_code == 404
    assert client.post("/admin/mail/999999/resend").status_code == 404


def test_the_list_is_newest_first_filtered_by_state_without_a_query_per_row(client, login_as, count_queries):
    login_as(Role.ADMIN)
    for n in range(3):
        queue(to=f"person{n}@example.test", subject=f"Subject {n}")
    with count_queries() as few:
        page = client.get("/admin/mail/").get_data(as_text=True)
    assert page.index("Subject 2") < page.index("Subject 1") < page.index("Subject 0")
    for n in range(3, 40):
        queue(to=f"person{n}@example.test", subject=f"Subject {n}")
    with count_queries() as many:
        assert client.get("/admin/mail/").status_code == 200
    assert many.count == few.count
    sending.send(db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.subject == "Subject 7")))
    page = client.get("/admin/mail/?state=sent").get_data(as_text=True)
    assert "Subject 7" in page and "Subject 8" not in page and "kept here" in page
    assert "Subject 8" in client.get("/admin/mail/?state=nonsense").get_data(as_text=True)  # ignored


def test_the_list_is_paged_by_position(client, login_as):
    login_as(Role.ADMIN)
    ids = [queue(subject=f"Subject {n}") for n in range(52)]
    first = client.get("/admin/mail/").get_data(as_text=True)
    assert "Subject 51" in first and "Subject 2<" in first and "Subject 1<" not in first
    assert f"before={ids[2]}" in first
    second = client.get(f"/admin/mail/?before={ids[2]}").get_data(as_text=True)
    assert "Subject 1<" in second and "Subject 0<" in second and "Subject 2<" not in second
    assert "Older" not in second and "Newest" in second


def test_a_message_is_shown_escaped_its_html_only_in_a_sandboxed_frame(client, login_as):
    message_id = queue(subject="<script>alert('s')</script>", text="Hi <script>alert('t')</script>\n"
                       "Choose your password: https://example.test/auth/set-password/abc123",
                       html="<p>Hi</p><script>alert('h')</script><a href=\"https://example.test/auth/set/x\">Set</a>"
                            "<a href=\"javascript:alert(1)\">bad</a>")
    login_as(Role.ADMIN)
    page = client.get(f"/admin/mail/{message_id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;" in page
    assert '<iframe sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert "srcdoc=\"&lt;base target=&#34;_blank&#34;&gt;&lt;p&gt;Hi&lt;/p&gt;&lt;script&gt;" in page
    assert 'allow-scripts' not in page and 'allow-same-origin' not in page
    # The links: the text's made clickable, the HTML's listed as plain links (http(s) only).
    assert '<a href="https://example.test/auth/set-password/abc123"' in page
    assert '<a href="https://example.test/auth/set/x"' in page and 'href="javascript:' not in page


def test_an_attachment_downloads_as_a_file_named_by_ids(client, login_as):
    message_id = queue(attachments=[("Jan Jansen's interview.ics", "text/calendar", b"BEGIN:VCALENDAR")])
    attachment_id = db.session.get(OutboxMessage, message_id).attachments[0].id
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/mail/{message_id}").get_data(as_text=True)
    assert "Jan Jansen&#39;s interview.ics" in page
    response = client.get(f"/admin/mail/{message_id}/attachments/{attachment_id}")
    assert response.data == b"BEGIN:VCALENDAR" and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="message-{message_id}-attachment-{attachment_id}.ics"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_resend_queues_a_copy_with_an_audit_event_and_not_while_it_is_being_sent(client, login_as, dispatched):
    message_id = queue(attachments=[("a.ics", "text/calendar", b"x")])
    admin = login_as(Role.ADMIN)
    response = client.post(f"/admin/mail/{message_id}/resend", follow_redirects=True)
    assert "still being sent" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
    db.session.commit()  # the requests shared this session (the test's app context): end its transaction
    assert sending.send(message_id) == sending.SENT_NOW
    dispatched.clear()
    response = client.post(f"/admin/mail/{message_id}/resend")
    assert response.status_code == 302
    copy = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id != message_id)).one()
    original = db.session.get(OutboxMessage, message_id)
    assert response.headers["Location"].endswith(f"/admin/mail/{copy.id}")
    assert (copy.state, copy.resend_of_id, copy.recipient, copy.text_body) == (
        "queued", message_id, original.recipient, original.text_body)
    assert copy.message_id != original.message_id and [a.filename for a in copy.attachments] == ["a.ics"]
    assert len(dispatched) == 1
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "mail_resent")).one()
    assert (event.actor_id, event.entity_id, event.details) == (admin.id, copy.id, {"resend_of": message_id})
    assert "example.test" not in repr(event.details)


def test_a_kept_message_is_on_the_page_end_to_end(client, login_as):
    message_id = queue(text="Choose your password: https://example.test/auth/set-password/abc123")
    assert sending.send(message_id) == sending.SENT_NOW
    login_as(Role.ADMIN)
    assert "Sent mail" in client.get("/").get_data(as_text=True)  # in the admin's menu
    page = client.get(f"/admin/mail/{message_id}").get_data(as_text=True)
    assert "kept here (no mail server)" in page and "Send a copy again" in page
