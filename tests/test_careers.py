"""The public careers site: only published open jobs, nothing staff-only, safe JSON-LD, two languages; and the
job form's publishing fields."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError

from hiring import create_app
from hiring.careers.jsonld import script_json
from hiring.careers.queries import PUBLIC, is_public
from hiring.careers.views import paragraphs
from hiring.clock import company_today
from hiring.extensions import db
from hiring.models import AuditEvent, Job, JobStatus, Role, utcnow
from tests import factories

SCRIPT = "</script><script>alert(1)</script>"


def posted(title: str | None = None, *, when: datetime | None = None, **kw) -> Job:
    """A published open job, with what candidates read."""
    kw.setdefault("public_description", "Help our customers.\nEvery day.")
    return factories.job(title, published=True, published_at=when or utcnow(), **kw)


def _ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/careers/jobs/\d+">([^<]*)</a></h2>', html)


# --- what is public ---------------------------------------------------------------------------------------------

def test_unpublished_closed_and_unknown_jobs_answer_the_same_404(client, app):
    draft = factories.job("Draft", public_description="Not yet")
    closed = posted("Closed", status=JobStatus.CLOSED)
    shown = posted("Shown")
    db.session.commit()
    bodies = set()
    for job_id in (draft.id, closed.id, 987654):
        response = client.get(f"/careers/jobs/{job_id}")
        assert response.status_code == 404
        bodies.add(response.get_data(as_text=True).replace(f"/careers/jobs/{job_id}", "/careers/jobs/ID"))
    assert len(bodies) == 1
    assert "Job not found" in bodies.pop()
    assert client.get(f"/careers/jobs/{shown.id}").status_code == 200
    html = client.get("/careers/").get_data(as_text=True)
    assert _titles(html) == ["Shown"]


@pytest.mark.parametrize("published,status", [(True, JobStatus.OPEN), (True, JobStatus.CLOSED),
                                               (False, JobStatus.OPEN), (False, JobStatus.CLOSED)])
def test_the_rule_in_sql_and_in_python_agree(app, published, status):
    job = factories.job(published=published, published_at=utcnow(), status=status)
    db.session.commit()
    in_sql = db.session.scalar(sa.select(Job.id).where(PUBLIC, Job.id == job.id)) is not None
    assert in_sql == is_public(job) == (published and status is JobStatus.OPEN)


def test_the_list_pages_newest_first_and_filters_by_location_and_team(client, app):
    start = utcnow() - timedelta(days=30)
    for i in range(25):
        posted(f"Job {i:02d}", when=start + timedelta(days=i), location="Amsterdam" if i % 2 else "Utrecht",
               team="Tools" if i % 5 == 0 else "Support")
    factories.job("Hidden", location="Hidden town", team="Hidden team", public_description="x")
    posted("Closed one", status=JobStatus.CLOSED, location="Closed city")
    db.session.commit()

    first = client.get("/careers/").get_data(as_text=True)
    assert _titles(first) == [f"Job {i:02d}" for i in range(24, 4, -1)]
    assert "25 open jobs" in first and 'rel="next"' in first
    assert _titles(client.get("/careers/?page=2").get_data(as_text=True)) == [f"Job {i:02d}" for i in range(4, -1, -1)]
    # The choices come from the published open jobs only.
    assert re.findall(r'<option value="([^"]+)"', first) == ["Amsterdam", "Utrecht", "Support", "Tools"]
    assert "Hidden" not in first and "Closed city" not in first

    html = client.get("/careers/?location=Utrecht&team=Tools").get_data(as_text=True)
    assert _titles(html) == ["Job 20", "Job 10", "Job 00"]
    assert '<option value="Utrecht" selected>' in html and '<option value="Tools" selected>' in html
    html = client.get("/careers/?location=Amsterdam&page=2").get_data(as_text=True)
    assert _titles(html) == []  # 12 in Amsterdam: one page
    assert _titles(client.get("/careers/?team=Tools").get_data(as_text=True)) == [
        "Job 20", "Job 15", "Job 10", "Job 05", "Job 00"]
    nothing = client.get("/careers/?location=Hidden+town").get_data(as_text=True)
    assert _titles(nothing) == [] and "No open jobs match these choices." in nothing


def test_an_empty_site_says_so(client, app):
    html = client.get("/careers/").get_data(as_text=True)
    assert "There are no open jobs at the moment." in html and "<select" not in html


def test_the_list_runs_a_fixed_number_of_queries(client, app, count_queries):
    def add(n):
        for i in range(n):
            posted(location=f"City {i % 7}", team=f"Team {i % 3}")
        db.session.commit()
        db.session.expire_all()

    add(5)
    with count_queries() as few:
        assert client.get("/careers/").status_code == 200
    add(45)
    with count_queries() as many:
        html = client.get("/careers/").get_data(as_text=True)
    assert len(_titles(html)) == 20
    assert many.count == few.count <= 3


def test_the_job_page_runs_a_fixed_number_of_queries(client, app, count_queries):
    few_job = posted(requirements=2)
    factories.core_value()
    many_job = posted(requirements=12)
    db.session.commit()
    few_url, many_url = f"/careers/jobs/{few_job.id}", f"/careers/jobs/{many_job.id}"
    with count_queries() as few:
        assert client.get(few_url).status_code == 200
    for _ in range(8):
        factories.core_value()
    db.session.commit()
    with count_queries() as many:
        assert client.get(many_url).status_code == 200
    assert many.count == few.count == 2


# --- the job page -------------------------------------------------------------------------------------------------

def test_the_job_page_shows_the_role_requirements_in_plain_words_and_the_values(client, app):
    manager = factories.user(Role.INTERVIEWER, name="Mandy Manager")
    value = factories.core_value("Deliver WOW through service")
    value.description = "Every contact one they remember."
    retired = factories.core_value("Old value")
    retired.retired_at = utcnow()
    job = posted("Loyalty team member", description="INTERNAL: pay band 4, ask Mandy",
                 public_description="Answer customers.\r\nBy phone.\r\n\r\nAnd <b>by chat</b>.",
                 requirements_threshold=83, values_threshold=89, hiring_manager_id=manager.id,
                 location="Amsterdam", team="Support")
    job.requirements[0].description = "Warm and <em>patient</em>."
    job.requirements[0].weight, job.requirements[1].weight = 97, 91
    db.session.commit()
    response = client.get(f"/careers/jobs/{job.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Loyalty team member</h1>" in html
    # Plain text: line breaks kept, HTML from the database escaped, never rendered.
    assert "<p>Answer customers.<br>By phone.</p><p>And &lt;b&gt;by chat&lt;/b&gt;.</p>" in html
    assert "<strong>Requirement 1</strong><br>Warm and &lt;em&gt;patient&lt;/em&gt;." in html
    assert "<strong>Requirement 2</strong></li>" in html
    assert "<strong>Deliver WOW through service</strong><br>Every contact one they remember." in html
    assert "Old value" not in html
    assert "Amsterdam" in html and "Support" in html
    # Nothing staff-only: the internal description, the hiring manager, weights, thresholds, must-haves.
    body = html.replace(f"/careers/jobs/{job.id}", "")
    for secret in ("INTERNAL", "pay band", "Mandy", "97", "91", "83", "89", "Must have", "must have", "Weight",
                   "hreshold", '"/jobs/', "/pipeline/", "Sign out"):
        assert secret not in body, secret


def test_the_job_posting_json_ld_has_the_fields(client, app):
    when = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)  # 2 March in Amsterdam
    job = posted("Engineer", when=when, location="Utrecht", public_description="Build tools.\nWith us.")
    plain = posted("Plain")
    db.session.commit()
    data = _ld(client.get(f"/careers/jobs/{job.id}").get_data(as_text=True))
    assert data == {
        "@context": "https://schema.org", "@type": "JobPosting", "title": "Engineer",
        "description": "Build tools.\nWith us.", "datePosted": "2026-03-02",
        "hiringOrganization": {"@type": "Organization", "name": app.config["COMPANY_NAME"]},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Utrecht"}}}
    data = _ld(client.get(f"/careers/jobs/{plain.id}").get_data(as_text=True))
    assert "jobLocation" not in data and "employmentType" not in data and "validThrough" not in data
    assert data["datePosted"] == company_today(plain.published_at, app.config["COMPANY_TIMEZONE"]).isoformat()


def test_a_script_tag_in_every_field_stays_text_in_the_page_and_in_the_json_ld(client, app):
    job = posted(f"Title {SCRIPT}", public_description=f"Text {SCRIPT}\nmore & <!-- -->", location=f"L{SCRIPT}",
                 team=f"T{SCRIPT}")
    job.requirements[0].name = f"R{SCRIPT}"
    value = factories.core_value(f"V{SCRIPT}")
    value.description = SCRIPT
    db.session.commit()
    for url in (f"/careers/jobs/{job.id}", "/careers/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<!-- -->" not in html
        assert html.count("</script>") == (1 if "jobs/" in url else 0)  # only the JSON-LD's own end
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get(f"/careers/jobs/{job.id}").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["title"] == f"Title {SCRIPT}" and data["description"] == f"Text {SCRIPT}\nmore & <!-- -->"
    assert data["jobLocation"]["address"]["addressLocality"] == f"L{SCRIPT}"


def test_script_json_escapes_what_could_end_the_element():
    text = str(script_json({"a": "</script>&<!--\u2028"}))
    assert text == '{"a":"\\u003c/script\\u003e\\u0026\\u003c!--\\u2028"}'
    assert json.loads(text) == {"a": "</script>&<!--\u2028"}


def test_paragraphs_split_at_blank_lines_whatever_the_line_ends():
    assert paragraphs("a\r\nb\r\n\r\n\r\nc\rd\n  \n") == [["a", "b"], ["c", "d"]]
    assert paragraphs("") == []


# --- layout, language, headers ----------------------------------------------------------------------------------

def test_public_pages_need_no_sign_in_show_no_staff_navigation_and_keep_the_csp(client, app):
    job = posted()
    db.session.commit()
    for url, status in (("/careers/", 200), (f"/careers/jobs/{job.id}", 200), ("/careers/jobs/424242", 404)):
        response = client.get(url)
        assert response.status_code == status
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        assert 'class="nav"' not in html and "Sign in" not in html and "/login" not in html
        assert "style=" not in html and "<script>" not in html  # nothing inline for the CSP to block
        assert '<link rel="stylesheet" href="/careers/theme.css">' in html


def test_signed_in_staff_see_the_same_public_page(client, login_as, app):
    login_as(Role.RECRUITER)
    job = posted()
    db.session.commit()
    html = client.get(f"/careers/jobs/{job.id}").get_data(as_text=True)
    assert 'class="nav"' not in html and "Sign out" not in html


def test_the_language_follows_the_browser_and_the_switch_is_remembered(client, app):
    job = posted()
    db.session.commit()
    html = client.get("/careers/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="nl">' in html and "Naar de inhoud" in html
    html = client.get("/careers/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Skip to content" in html
    assert '<a href="/careers/?lang=nl" lang="nl" hreflang="nl">Nederlands</a>' in html

    response = client.get(f"/careers/jobs/{job.id}?lang=nl", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in response.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=nl;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Remembered: the next page, without ?lang=, is Dutch whatever the browser prefers.
    html = client.get("/careers/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert 'aria-current="true">Nederlands</a>' in html
    # Other arguments are kept by the switch; the path's own and url_for's own are not taken from the query.
    html = client.get(f"/careers/jobs/{job.id}?job_id=5&_external=1&page=2").get_data(as_text=True)
    assert f'href="/careers/jobs/{job.id}?page=2&amp;lang=en"' in html


def test_an_unknown_language_is_ignored(client, app):
    response = client.get("/careers/?lang=xx", headers={"Accept-Language": "nl"})
    assert '<html lang="nl">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    client.set_cookie("lang", "<script>")
    assert '<html lang="en">' in client.get("/careers/").get_data(as_text=True)


def test_the_theme_is_the_company_colour(make_app):
    app = make_app(COMPANY_COLOUR="#a1b2c3")
    response = app.test_client().get("/careers/theme.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.get_data(as_text=True) == ":root { --careers-colour: #a1b2c3; }\n"
    assert response.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#abc;}body{x:y", "#GGGGGG", " #abc", ""])
def test_a_colour_that_is_not_hex_is_refused(colour):
    with pytest.raises(ValueError, match="COMPANY_COLOUR"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "COMPANY_COLOUR": colour})


@pytest.mark.parametrize("logo", ["https://cdn.example.com/logo.png", "//evil.example/logo.png",
                                  "javascript:alert(1)", "../secret_key", "img/../../x.png", 'logo.png" onload="x'])
def test_a_logo_from_elsewhere_is_refused(logo):
    with pytest.raises(ValueError, match="COMPANY_LOGO_URL"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "COMPANY_LOGO_URL": logo})


@pytest.mark.parametrize("logo,src", [("brand/logo.svg", "/static/brand/logo.svg"), ("/media/logo.png", "/media/logo.png")])
def test_the_logo_is_shown_from_static_or_this_site(make_app, logo, src):
    app = make_app(COMPANY_LOGO_URL=logo, COMPANY_NAME="Shoe Palace")
    html = app.test_client().get("/careers/").get_data(as_text=True)
    assert f'<img class="careers-logo" src="{src}" alt="">Shoe Palace</a>' in html
    assert "<title>Open jobs · Careers at Shoe Palace</title>" in html


# --- the database ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("columns", [{"published": True, "published_at": None}, {"location": "   "}, {"team": ""},
                                     {"location": "x" * 101}, {"public_description": "x" * 8001}])
def test_the_database_refuses_what_the_form_refuses(app, columns):
    job = factories.job()
    db.session.commit()
    with pytest.raises((IntegrityError, DataError)):  # PostgreSQL's varchar(100) answers the long location itself
        db.session.execute(sa.update(Job).where(Job.id == job.id).values(**columns))
        db.session.flush()
    db.session.rollback()


# --- the job form -------------------------------------------------------------------------------------------------

def _form(**extra) -> dict:
    data = {"title": "Loyalty team", "description": "Internal notes", "requirements_threshold": "60",
            "values_threshold": "70", "hiring_manager_id": "0", "status": "open", "save": "Save the job",
            "requirements-0-name": "Phone manner", "requirements-0-weight": "3"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _edit_form(job: Job, **extra) -> dict:
    rows = {}
    for i, r in enumerate(job.requirements):
        rows |= {f"requirements-{i}-id": str(r.id), f"requirements-{i}-name": r.name,
                 f"requirements-{i}-weight": str(r.weight), f"requirements-{i}-must_have": "y" if r.must_have else None}
    base = {k: v for k, v in _form(title=job.title, requirements_threshold=str(job.requirements_threshold),
                                   values_threshold=str(job.values_threshold)).items()
            if not k.startswith("requirements-")}
    return {k: v for k, v in {**base, **rows, **extra}.items() if v is not None}


def _error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def test_publishing_a_new_job_from_the_form(client, login_as):
    me = login_as(Role.RECRUITER)
    html = client.get("/jobs/new").get_data(as_text=True)
    assert 'name="published"' in html and "Published on the careers site" in html
    assert 'id="published-hint"' in html and 'aria-describedby="published-hint"' in html
    response = client.post("/jobs/new", data=_form(published="y", public_description="  Join us.\r\nNow.  ",
                                                   location=" Amsterdam ", team="Support"))
    assert response.status_code == 302
    job = db.session.scalar(sa.select(Job))
    assert (job.published, job.public_description, job.location, job.team) == (
        True, "Join us.\r\nNow.", "Amsterdam", "Support")
    assert job.published_at is not None
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.entity_id, event.actor_id, event.details["published"]) == (
        "job_created", job.id, me.id, True)
    assert "Join us" not in json.dumps(event.details)  # the text stays in the job's row
    show = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'<a href="/careers/jobs/{job.id}">the job on the careers site</a>' in show
    assert client.get(f"/careers/jobs/{job.id}").status_code == 200


def test_publishing_and_unpublishing_an_existing_job_is_audited(client, login_as):
    login_as(Role.HR)
    job = factories.job(public_description="Old text")
    db.session.commit()
    assert "Not published" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    edit = client.get(f"/jobs/{job.id}/edit").get_data(as_text=True)
    assert "Old text</textarea>" in edit

    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, published="y", public_description="New",
                                                                    team="Tools"))
    assert response.status_code == 302
    db.session.expire_all()
    assert job.published and job.public_description == "New" and job.team == "Tools" and job.location is None
    first_date = job.published_at
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "job_updated"
    assert event.details["changes"] == {"published": [False, True]}
    assert event.details["public_edited"] == ["public_description", "team"]
    assert "New" not in json.dumps(event.details) and "Tools" not in json.dumps(event.details)

    client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, public_description="New", team="Tools"))
    db.session.expire_all()
    assert not job.published and job.published_at == first_date  # the last posting's date is kept
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.details["changes"] == {"published": [True, False]} and event.details["public_edited"] == []
    assert client.get(f"/careers/jobs/{job.id}").status_code == 404


def test_a_published_closed_job_says_it_is_not_shown(client, login_as):
    login_as(Role.RECRUITER)
    job = posted(status=JobStatus.CLOSED)
    db.session.commit()
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Published, but not shown while the job is closed" in html and "/careers/jobs/" not in html


@pytest.mark.parametrize("field,value,message", [
    ("location", "x" * 101, "Keep the location under 100 characters."),
    ("team", "y" * 101, "Keep the team under 100 characters."),
    ("public_description", "z" * 8001, "Keep the public description under 8000 characters."),
])
def test_too_long_public_fields_are_refused_beside_the_field(client, login_as, field, value, message):
    login_as(Role.RECRUITER)
    response = client.post("/jobs/new", data=_form(**{"published": "y", "public_description": "Fine", field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error(html, field) == message
    assert value in html  # kept as typed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_publishing_needs_a_public_description(client, login_as):
    login_as(Role.RECRUITER)
    response = client.post("/jobs/new", data=_form(published="y", public_description="   ", location="Utrecht"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error(html, "public_description") == "Write the public description before publishing the job."
    assert 'value="Utrecht"' in html and re.search(r'<input [^>]*checked[^>]*name="published"|name="published"[^>]*checked', html)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_those_who_edit_jobs_may_publish(client, login_as, role):
    login_as(role)
    job = factories.job()
    db.session.commit()
    assert client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, published="y",
                                                               public_description="x")).status_code == 403
    db.session.expire_all()
    assert not job.published


# --- the demo ------------------------------------------------------------------------------------------------------

def test_the_demo_publishes_two_jobs_in_its_language(client, runner):
    assert runner.invoke(args=["seed-demo", "--locale", "nl"]).exit_code == 0
    html = client.get("/careers/?lang=nl").get_data(as_text=True)
    assert _titles(html) == ["Software-engineer, klanttools", "Medewerker Klantloyaliteitsteam"]
    assert "Op afstand (Nederland)" in html and "Klantloyaliteit" in html
