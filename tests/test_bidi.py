"""Direction controls: stripped from names as they are typed or imported, and kept inside the name when shown."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import Candidate, CoreValue, Job, Role
from hiring.textinput import BIDI_CONTROLS, isolated, without_bidi_controls
from tests import factories

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Ann" + RLO + "kcirtaP" shows as "AnnPatrick"
EVERY_CONTROL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_every_direction_control_is_removed_and_nothing_else():
    assert without_bidi_controls(f"A{EVERY_CONTROL}nn") == "Ann"
    assert len(BIDI_CONTROLS.findall(EVERY_CONTROL)) == len(EVERY_CONTROL)
    # Right-to-left names need no controls; letters, joiners and accents stay as typed.
    for name in ("محمد علي", "דוד לוי", "Zoë d'Ançon", "क्षत्रिय"):
        assert without_bidi_controls(name) == name
    assert without_bidi_controls(None) is None  # a WTForms filter gets None for a field left out
    assert isolated("Ann") == "\u2068Ann\u2069"


def test_a_name_typed_with_an_override_is_stored_without_it(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    db.session.commit()
    response = client.post("/pipeline/candidates/new", data={
        "name": f" Ann{RLO}kcirtaP ", "email": "ann@example.org", "phone": f"{RLO}+31 6 1234", "source": "",
        "job_id": str(job.id)})
    assert response.status_code == 302
    candidate = db.session.scalar(sa.select(Candidate))
    assert (candidate.name, candidate.phone) == ("AnnkcirtaP", "+31 6 1234")


def test_a_name_of_direction_controls_only_is_no_name(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    db.session.commit()
    response = client.post("/pipeline/candidates/new", data={
        "name": f"{RLO}\u200f ", "email": "ann@example.org", "job_id": str(job.id)})
    assert response.status_code == 400
    assert 'id="name-error">Enter the candidate\'s name.' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0


def test_the_service_strips_them_too(app):
    """Whatever calls it, a candidate is created without controls (the form is not the only way in)."""
    from hiring.pipeline.service import add_candidate

    job = factories.job(title="Loyalty team")
    me = factories.user(Role.RECRUITER)
    application = add_candidate(db.session, name=f"Ann{RLO}kcirtaP", email="ann@example.org",
                                phone=None, source=f"Job site{RLO}", job_id=job.id, actor_id=me.id)
    assert (application.candidate.name, application.candidate.source) == ("AnnkcirtaP", "Job site")
    db.session.rollback()


def test_an_imported_name_is_stored_without_them(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    content = f"name,email,phone,source,job\nAnn{RLO}kcirtaP,ann@example.org,,Fair{RLO},Loyalty team\u200e\n"
    response = client.post("/pipeline/import", data={"file": (io.BytesIO(content.encode()), "c.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    candidate = db.session.scalar(sa.select(Candidate))
    assert (candidate.name, candidate.source) == ("AnnkcirtaP", "Fair")


def test_an_imported_address_holding_one_is_refused_not_changed(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    content = f"name,email,job\nAnn,ann{RLO}@example.org,Loyalty team\n"
    response = client.post("/pipeline/import", data={"file": (io.BytesIO(content.encode()), "c.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "is not an e-mail address" in response.get_data(as_text=True)


def test_job_titles_requirements_and_value_names_are_stored_without_them(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/jobs/new", data={
        "title": f"Loyalty{RLO} team", "requirements_threshold": "60", "values_threshold": "60",
        "hiring_manager_id": "0", "status": "open", "save": "Save the job",
        "requirements-0-name": f"\u2067Phone manner\u2069", "requirements-0-weight": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    job = db.session.scalar(sa.select(Job))
    assert (job.title, job.requirements[0].name) == ("Loyalty team", "Phone manner")
    response = client.post("/values/new", data={"name": f"Be {RLO}humble", **{
        f"anchor_{i}": f"Level {i}" for i in range(1, 6)}})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(CoreValue.name)) == "Be humble"


@pytest.fixture
def stored(app):
    """A candidate whose name was stored with an override before names were cleaned."""
    application = factories.application(factories.job(title="Loyalty team"),
                                        factories.candidate(name=f"Ann{RLO}kcirtaP"))
    db.session.commit()
    return application


def test_a_stored_override_stays_inside_the_name_on_the_list_and_the_page(client, login_as, stored):
    login_as(Role.RECRUITER)
    listing = client.get("/pipeline/").get_data(as_text=True)
    assert f"<bdi>Ann{RLO}kcirtaP</bdi></a>" in listing
    page = client.get(f"/pipeline/candidates/{stored.candidate_id}").get_data(as_text=True)
    assert f"<h1><bdi>Ann{RLO}kcirtaP</bdi></h1>" in page
    assert f"<title>&#x2068;Ann{RLO}kcirtaP&#x2069; ·" in page  # no markup in a title: the isolate characters


def test_a_stored_override_stays_inside_the_name_in_the_dossier(client, login_as, stored):
    login_as(Role.RECRUITER)
    page = client.get(f"/reports/applications/{stored.id}/dossier").get_data(as_text=True)
    assert f"<h1>Decision dossier: <bdi>Ann{RLO}kcirtaP</bdi></h1>" in page
    assert f"<dd><bdi>Ann{RLO}kcirtaP</bdi></dd>" in page
    pdf = client.get(f"/reports/applications/{stored.id}/dossier.pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    # Laid out on its own, the override turns only the name around; without the isolation, the title's
    # ", Loyalty team" after the name came out reversed ("maet ytlayoL ,").
    assert "maet ytlayoL" not in text and "Loyalty team" in text


def test_staff_names_are_stored_without_them_and_shown_isolated(client, login_as):
    from hiring.auth.service import create_user

    login_as(Role.ADMIN)
    user = create_user(db.session, email="rtl@example.org", name="Ann\u202eKcirtap", role=Role.RECRUITER,
                       password=None)
    db.session.commit()
    assert user.name == "AnnKcirtap"
    user.name = "Stored\u202eOld"  # a name stored before the filter existed
    db.session.commit()
    assert "<bdi>Stored\u202eOld</bdi>" in client.get("/admin/users").get_data(as_text=True)
