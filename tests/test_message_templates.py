"""Messages in the company's wording (issue 21, item 2): kinds registered by features, defaults in English and
Dutch, the company's saved wording, checked at save (placeholders, syntax, the sandbox), rendered safely (plain
text unescaped, HTML escaped and built from it), the admins' pages, and the first messages: "application
received" from the careers site and the new hire's welcome with the link that sets their password."""
from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2.exceptions import SecurityError, UndefinedError

from hiring.careers import messages as careers_messages
from hiring.extensions import db
from hiring.mail import messages
from hiring.models import AuditEvent, GateResult, MessageTemplate, OutboxMessage, Role, Stage, User
from tests import factories
from tests.test_careers_apply import apply, posted

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def kind():
    """A kind of this test's own, whose default words are in the Dutch catalogue already."""
    registered = messages.register(
        "test_kind", label=_l("Messages"), audience="candidate",
        placeholders={"name": _l("The candidate's name"), "status_link": _l("The job's title")},
        subject=_l("Candidates"), body=_l("Jobs"), sample={"name": "Sam <b>Sample</b>",
                                                            "status_link": "https://example.com/s"})
    yield registered
    messages.KINDS.pop("test_kind", None)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _save(code: str, language: str, subject: str, body: str) -> None:
    db.session.add(MessageTemplate(kind=code, language=language, subject=subject, body=body))
    db.session.commit()


# --- defaults, saved wording, rendering -----------------------------------------------------------------------

def test_every_registered_default_passes_its_own_check_in_every_language(app):
    assert {"application_received", "new_hire_welcome"} <= {k.code for k in messages.kinds()}
    for registered in messages.kinds():
        for language in messages.LANGUAGES:
            subject, body = messages.default_wording(registered, language)
            assert messages.check(registered, subject, body) == {}, (registered.code, language)
            assert messages.preview(registered, subject, body, language).text.strip()


def test_the_default_comes_in_the_recipients_language_and_the_companys_without_one(app, kind):
    english = messages.send(db.session, "test_kind", to="a@example.org", language="en",
                            context={"name": "Ann", "status_link": ""})
    dutch = messages.send(db.session, "test_kind", to="a@example.org", language="nl",
                          context={"name": "Ann", "status_link": ""})
    unknown = messages.send(db.session, "test_kind", to="a@example.org", language=None,
                            context={"name": "Ann", "status_link": ""})
    odd = messages.send(db.session, "test_kind", to="a@example.org", language="de",
                        context={"name": "Ann", "status_link": ""})
    assert (english.subject, english.text_body, english.language) == ("Candidates", "Jobs", "en")
    assert (dutch.subject, dutch.text_body, dutch.language) == ("Kandidaten", "Vacatures", "nl")
    assert unknown.language == odd.language == app.config["BABEL_DEFAULT_LOCALE"]


def test_the_companys_saved_wording_is_used_for_its_language_only(app, kind):
    _save("test_kind", "nl", "Hallo {{ name }}", "Beste {{ name }},\n\nWelkom.")
    dutch = messages.send(db.session, "test_kind", to="a@example.org", language="nl",
                          context={"name": "Ann", "status_link": ""})
    english = messages.send(db.session, "test_kind", to="a@example.org", language="en",
                            context={"name": "Ann", "status_link": ""})
    assert (dutch.subject, dutch.text_body) == ("Hallo Ann", "Beste Ann,\n\nWelkom.")
    assert english.subject == "Candidates"


def test_a_caller_must_give_every_placeholder_and_a_known_kind(app, kind):
    with pytest.raises(ValueError):
        messages.send(db.session, "test_kind", to="a@example.org", language="en", context={"name": "Ann"})
    with pytest.raises(ValueError):
        messages.send(db.session, "no_such_kind", to="a@example.org", language="en", context={})
    assert _count(OutboxMessage) == 0


def test_script_in_a_value_or_in_the_companys_text_is_escaped_in_the_html_and_plain_in_the_text(app, kind):
    _save("test_kind", "en", "Hi {{ name }}", f"Dear {{{{ name }}}},\n{SCRIPT}\n\nSee {{{{ status_link }}}}")
    message = messages.send(db.session, "test_kind", to="a@example.org", language="en",
                            context={"name": SCRIPT, "status_link": "https://example.com/x?a=1&b=2"})
    assert message.text_body == f"Dear {SCRIPT},\n{SCRIPT}\n\nSee https://example.com/x?a=1&b=2"
    assert "<script" not in message.html_body
    assert message.html_body.count(ESCAPED) == 3  # the title (the subject) and the body's two
    assert f"<p>Dear {ESCAPED},<br>\n{ESCAPED}</p>" in message.html_body  # paragraphs and line breaks
    assert '<a href="https://example.com/x?a=1&amp;b=2">' in message.html_body


def test_only_the_companys_words_and_link_placeholders_become_links(app, kind):
    """A name typed on the careers site cannot make our message carry someone's link."""
    rendered = messages.render(kind, "x", "{{ name }} https://ours.example.com {{ status_link }}",
                               {"name": "Go to https://evil.example.com now", "status_link": "https://ok.example/s"},
                               "en")
    assert "https://evil.example.com" in rendered.text and 'href="https://evil' not in rendered.html
    assert 'href="https://ours.example.com"' in rendered.html and 'href="https://ok.example/s"' in rendered.html
    assert "\ue000" not in rendered.text + rendered.html and "\ue002" not in rendered.text + rendered.html


def test_the_interview_invitations_link_placeholder_is_clickable(app):
    """The invitations name their link plain "link" (not "..._link"): it is an address of ours all the same."""
    from hiring.interviews.messages import INVITE_INTERVIEWER
    invitation = messages.kind_of(INVITE_INTERVIEWER)
    rendered = messages.render(invitation, "x", "See {{ link }}",
                               {**invitation.sample, "link": "https://hiring.example.com/pipeline/applications/7"},
                               "en")
    assert 'href="https://hiring.example.com/pipeline/applications/7"' in rendered.html


def test_the_subject_is_one_line(app, kind):
    message = messages.send(db.session, "test_kind", to="a@example.org", language="en",
                            context={"name": "Ann\r\nBcc: x@example.org", "status_link": ""})
    _save("test_kind", "en", "Hello\n{{ name }}", "Body")
    again = messages.send(db.session, "test_kind", to="a@example.org", language="en",
                          context={"name": "Ann\nBcc: x@example.org", "status_link": ""})
    assert "\n" not in message.subject + again.subject and "\r" not in message.subject + again.subject
    assert again.subject == "Hello Ann Bcc: x@example.org"


@pytest.mark.parametrize("source,words", [
    ("Hello {{ nmae }}", "Unknown placeholder: nmae"),
    ("Hello\n{{ name", "Line 2: this cannot be read"),
    ("{{ ''.__class__ }}", "Line 1: only placeholders"),
    ("{{ name.__class__.__mro__ }}", "Line 1: only placeholders"),
    ("{{ name.upper() }}", "Line 1: only placeholders"),
    ("{% for x in name %}{{ x }}{% endfor %}", "Line 1: only placeholders"),
    ("{{ name|center(100000) }}", "Line 1: this cannot be read"),
    ("{% include 'base.html' %}", "Line 1: only placeholders"),
    ("{{ 9 ** 9 ** 9 }}", "Line 1: only placeholders"),
    ("{{ cycler }}", "Unknown placeholder: cycler"),
])
def test_check_refuses_unknown_placeholders_syntax_and_anything_but_placing_values(app, kind, source, words):
    assert words in messages.check_one(kind, source)


def test_check_allows_placeholders_filters_and_conditions(app, kind):
    assert messages.check(kind, "Hi {{ name|title }}",
                          "{% if status_link %}{{ status_link }}{% else %}{{ name|default('you') }}{% endif %}") == {}
    rendered = messages.render(kind, "s", "{% if status_link %}link{% else %}none{% endif %}",
                               {"name": "x", "status_link": ""}, "en")
    assert rendered.text == "none"


def test_the_sandbox_leaks_nothing_even_for_a_wording_that_skipped_the_check(app, kind, caplog):
    """A row written around the form (by hand in the database): rendering refuses it, the default is sent, and
    the log names the kind only."""
    for source in ("{{ name.__class__.__mro__ }}", "{{ name.format.__globals__ }}", "{{ name.__init__() }}"):
        with pytest.raises((SecurityError, UndefinedError)):  # never the object's insides
            messages.render(kind, "s", source, {"name": "x", "status_link": ""}, "en")
    _save("test_kind", "en", "{{ name.__class__ }}", "{{ name.__init__.__globals__ }}")
    with caplog.at_level(logging.WARNING):
        message = messages.send(db.session, "test_kind", to="secret.person@example.org", language="en",
                                context={"name": "Secret Person", "status_link": ""})
    assert (message.subject, message.text_body) == ("Candidates", "Jobs")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "test_kind" in logged and "Secret" not in logged and "secret.person" not in logged


# --- the admins' pages ---------------------------------------------------------------------------------------

def test_the_list_shows_every_kind_and_language_with_whose_wording_in_one_query(client, login_as, count_queries):
    login_as(Role.ADMIN)
    with count_queries() as none_saved:
        html = client.get("/admin/messages/").get_data(as_text=True)
    assert "Application received" in html and "Welcome for a new hire" in html
    assert html.count(">company's wording</a>") == 0
    assert 'href="/admin/messages/application_received/nl"' in html
    for registered in messages.kinds():
        for language in messages.LANGUAGES:
            db.session.add(MessageTemplate(kind=registered.code, language=language, subject="S", body="B"))
    db.session.commit()
    with count_queries() as all_saved:
        html = client.get("/admin/messages/").get_data(as_text=True)
    assert html.count(">company's wording</a>") == len(messages.kinds()) * len(messages.LANGUAGES)
    assert all_saved.count == none_saved.count


def test_the_edit_page_shows_the_default_placeholders_and_a_preview_of_both_parts(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/admin/messages/application_received/en").get_data(as_text=True)
    assert "We received your application for {{ job_title }}" in html  # the default, in the field
    assert "{{ status_link }}" in html and "The link to the candidate" in html  # placeholders listed
    assert "We received your application for Customer support (Dutch)" in html  # the preview's subject
    assert "sandbox=" in html and "srcdoc=" in html and "This message is sent in its default wording." in html


def test_preview_renders_the_typed_text_with_sample_values_and_saves_nothing(client, login_as, kind):
    login_as(Role.ADMIN)
    response = client.post("/admin/messages/test_kind/en",
                           data={"subject": "Hi {{ name }}", "body": f"Dear {{{{ name }}}} {SCRIPT}", "preview": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hi Sam &lt;b&gt;Sample&lt;/b&gt;" in html  # the sample value, escaped in the page
    assert SCRIPT not in html  # the company's text, escaped in the page and (twice over) in the frame
    assert "&amp;lt;script&amp;gt;" in html  # the HTML part, escaped, inside srcdoc
    assert _count(MessageTemplate) == 0 and _count(AuditEvent) == 0


def test_save_keeps_the_wording_and_an_audit_event_with_codes_only(client, login_as, kind):
    admin = login_as(Role.ADMIN)
    response = client.post("/admin/messages/test_kind/nl",
                           data={"subject": "Hallo {{ name }}", "body": "Beste {{ name }},\r\n\r\nTot ziens.",
                                 "save": "1"})
    assert response.status_code == 303
    row = db.session.scalars(sa.select(MessageTemplate)).one()
    assert (row.kind, row.language, row.subject, row.body, row.updated_by_id) == (
        "test_kind", "nl", "Hallo {{ name }}", "Beste {{ name }},\n\nTot ziens.", admin.id)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "message_template_saved")).one()
    assert event.entity_id == row.id and event.details == {"kind": "test_kind", "language": "nl"}
    page = client.get("/admin/messages/test_kind/nl").get_data(as_text=True)
    assert "company's wording" in page and "Back to the default" in page
    # Saved again: the same row.
    client.post("/admin/messages/test_kind/nl", data={"subject": "Dag", "body": "Tekst", "save": "1"})
    db.session.expire_all()
    assert db.session.scalars(sa.select(MessageTemplate.subject)).all() == ["Dag"]


@pytest.mark.parametrize("field,subject,body,words", [
    ("body", "Hi", "Dear {{ candidate }}", "Unknown placeholder: candidate"),
    ("body", "Hi", "Line one\n{% if name %}open", "Line 2: this cannot be read"),
    ("subject", "Hi {{ ''.__class__ }}", "Body", "Line 1: only placeholders"),
    ("subject", "   ", "Body", "This field is required."),
    ("body", "Hi", "x" * 20001, "At most 20000 characters."),
])
def test_a_refused_wording_is_told_beside_its_field_kept_and_nothing_saved(client, login_as, kind, field, subject,
                                                                         body, words):
    login_as(Role.ADMIN)
    response = client.post("/admin/messages/test_kind/en", data={"subject": subject, "body": body, "save": "1"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and words in error.group(1).replace("&#39;", "'")
    if len(body) < 100:
        assert body.split("\n")[0].replace("'", "&#39;") in html  # what was typed is kept
    assert _count(MessageTemplate) == 0 and _count(AuditEvent) == 0
    assert "Preview, with example values" not in html


def test_back_to_the_default_deletes_the_row_with_an_audit_event(client, login_as, kind):
    login_as(Role.ADMIN)
    _save("test_kind", "en", "Own", "Own words")
    row_id = db.session.scalar(sa.select(MessageTemplate.id))
    response = client.post("/admin/messages/test_kind/en/default")
    assert response.status_code == 303
    assert _count(MessageTemplate) == 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "message_template_reset")).one()
    assert event.entity_id == row_id and event.details == {"kind": "test_kind", "language": "en"}
    message = messages.send(db.session, "test_kind", to="a@example.org", language="en",
                            context={"name": "A", "status_link": ""})
    assert message.subject == "Candidates"
    assert client.post("/admin/messages/test_kind/en/default").status_code == 303  # nothing to delete: fine


@pytest.mark.parametrize("role", [Role.HR, Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_other_roles_are_refused_and_nothing_changes(client, login_as, role, kind):
    login_as(role)
    _save("test_kind", "en", "Own", "Own words")
    assert client.get("/admin/messages/").status_code == 403
    assert client.get("/admin/messages/test_kind/en").status_code == 403
    saved = client.post("/admin/messages/test_kind/en", data={"subject": "X", "body": "Y", "save": "1"})
    assert saved.status_code == 403
    assert client.post("/admin/messages/test_kind/en/default").status_code == 403
    db.session.expire_all()
    assert db.session.scalars(sa.select(MessageTemplate.subject)).all() == ["Own"]


def test_unknown_kinds_and_languages_are_404(client, login_as, kind):
    login_as(Role.ADMIN)
    for path in ("/admin/messages/nothing/en", "/admin/messages/test_kind/de", "/admin/messages/test_kind/EN"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"subject": "X", "body": "Y", "save": "1"}).status_code == 404
        assert client.post(path + "/default").status_code == 404
    assert _count(MessageTemplate) == 0


def test_the_pages_need_the_csrf_token(make_app, kind):
    site = make_app(WTF_CSRF_ENABLED=True)
    with site.app_context():
        admin = factories.user(Role.ADMIN)
        db.session.commit()
        client = site.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post("/login", data={"email": admin.email, "password": factories.PASSWORD,
                                           "csrf_token": token}).status_code == 302
        assert client.post("/admin/messages/test_kind/en", data={"subject": "X", "body": "Y", "save": "1"}
                           ).status_code == 400
        _save("test_kind", "en", "Own", "Own words")
        assert client.post("/admin/messages/test_kind/en/default").status_code == 400
        assert _count(MessageTemplate) == 1


# --- application received (the careers site) -------------------------------------------------------------------

def _status_path(message: OutboxMessage) -> str:
    link = re.search(r"http://localhost(/careers/status/\S+)", message.text_body).group(1)
    assert f'href="http://localhost{link}"' in message.html_body
    return link


def test_an_application_queues_one_message_to_the_candidate_with_a_working_status_link(client, app):
    job = posted("Customer hero")
    assert apply(client, job).status_code == 303
    [message] = _outbox()
    candidate_id = db.session.scalar(sa.select(OutboxMessage.candidate_id))
    assert (message.recipient, message.kind, message.language) == ("ann@example.org", "application_received", "en")
    assert message.candidate_id == candidate_id and message.state == "queued"
    assert message.subject == "We received your application for Customer hero"
    assert "Dear Ann Example," in message.text_body
    page = app.test_client().get(_status_path(message))  # another browser: the link alone opens the page
    assert page.status_code == 200 and "Customer hero" in page.get_data(as_text=True)


def test_in_dutch_when_the_visitor_applied_in_dutch(client, app):
    job = posted("Klantenheld")
    assert client.get("/careers/?lang=nl").status_code == 200  # the visitor chooses Dutch (a cookie)
    assert apply(client, job).status_code == 303
    [message] = _outbox()
    assert message.language == "nl"
    with force_locale("nl"):
        expected = str(messages.kind_of(careers_messages.APPLICATION_RECEIVED).subject)
    assert message.subject == expected.replace("{{ job_title }}", "Klantenheld")
    assert "Klantenheld" in message.subject and "sollicitatie" in message.subject  # the catalogue's Dutch
    assert app.test_client().get(_status_path(message)).status_code == 200


def test_the_company_wording_is_what_the_candidate_gets(client, app):
    _save("application_received", "en", "Thanks, {{ candidate_name }}", "Your link: {{ status_link }}")
    assert apply(client, posted()).status_code == 303
    [message] = _outbox()
    assert message.subject == "Thanks, Ann Example"
    assert app.test_client().get(_status_path(message)).status_code == 200


def test_a_refused_application_queues_nothing_and_saves_nothing(client, app):
    job = posted()
    assert apply(client, job, cv=b"not a document").status_code in (400, 422)
    assert apply(client, job, email="not an address").status_code == 400
    assert apply(client, job, website="http://spam.example").status_code == 303  # the honeypot: a bot
    assert _outbox() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_second_application_to_the_same_job_sends_nothing_and_a_known_email_gets_its_own_link(client, app):
    """The confirmation page shows a void link for an e-mail known already; the mail goes to the address the
    candidate has, with their own link: only the owner of that mailbox can follow it."""
    first, second = posted("First job"), posted("Second job")
    apply(client, first)
    stranger = app.test_client()
    again = apply(stranger, first, name="Someone Else")
    confirmation = stranger.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_outbox()) == 1  # the same job again: nothing new, nothing sent
    other = apply(stranger, second, name="Someone Else", email="ANN@example.org")
    stranger.get(other.headers["Location"])
    messages_sent = _outbox()
    assert len(messages_sent) == 2
    newest = messages_sent[-1]
    assert newest.recipient == "ann@example.org" and "Dear Ann Example," in newest.text_body  # the kept name
    assert "Someone Else" not in newest.text_body
    assert stranger.get(_status_path(newest)).status_code == 200  # the mailbox's owner's link works
    # What the stranger's confirmation page offers is the void link, as before (tests/test_careers_status.py).
    void = re.search(r"http://localhost(/careers/status/[^\"<\s]+)", confirmation).group(1)
    assert void != _status_path(newest)


def test_a_message_goes_with_its_candidate_when_erased(client, app):
    from hiring.models import Candidate, utcnow
    from hiring.privacy.anonymise import anonymise

    apply(client, posted())
    candidate = db.session.scalars(sa.select(Candidate)).one()
    anonymise(db.session, [candidate.id], utcnow())
    db.session.commit()
    assert _outbox() == []


# --- the new hire's welcome -----------------------------------------------------------------------------------

def test_the_new_hire_gets_a_welcome_with_a_link_that_sets_their_password(client, app, login_as):
    login_as(Role.HR)
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    db.session.commit()
    email, prefix = application.candidate.email, f"a{application.id}-"
    start = date.today() + timedelta(days=7)
    response = client.post(f"/pipeline/applications/{application.id}/move", data={
        prefix + "to_stage": "hired", prefix + "reason": "Passed", prefix + "expected_stage": "decision",
        prefix + "start_date": start.isoformat()})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/set-password/" in page  # the page still shows HR the link
    [message] = _outbox()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert (message.kind, message.recipient, message.user_id, message.candidate_id) == (
        "new_hire_welcome", email, user.id, None)
    assert message.language == app.config["BABEL_DEFAULT_LOCALE"]
    link = re.search(r"http://localhost(/set-password/\S+)", message.text_body).group(1)
    assert f'href="http://localhost{link}"' in message.html_body
    client.post("/logout")
    done = client.post(link, data={"password": "a long new password", "confirm": "a long new password"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("a long new password")
    assert client.get(link).status_code == 404  # spent


def test_a_refused_hire_sends_no_welcome(client, login_as):
    login_as(Role.HR)
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    db.session.commit()
    prefix = f"a{application.id}-"
    response = client.post(f"/pipeline/applications/{application.id}/move", data={
        prefix + "to_stage": "hired", prefix + "reason": "Passed", prefix + "expected_stage": "decision",
        prefix + "start_date": "9999-12-31"})
    assert response.status_code == 400
    assert _outbox() == []
