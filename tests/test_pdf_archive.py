"""Every PDF is tagged for accessibility (PDF/UA-1) and the dossier and the period reports also come as PDF/A-3
with the data behind their tables attached as CSV (hiring/reports/pdf.py): read back with pypdf, and with
poppler's `pdfinfo` where it is installed. The same data at the same moment gives the same bytes."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hiring.extensions import db
from hiring.models import Enrollment, InterviewKind, Rating, Recommendation, Role, Scorecard, ScorecardStatus, utcnow
from hiring.scoring.service import score_application
from tests import factories
from tests.pdfcheck import (attached_csv, figure_alts, outline_titles, pdfa_part, reader, structure_is_whole,
                            tags, xmp)

MOMENT = datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc)


def _pdfinfo(data: bytes, tmp_path) -> dict[str, str]:
    """What poppler's pdfinfo says of a PDF, as {field: value}."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in out.splitlines())}


def _assert_accessible(data: bytes, language: str, title: str, headings: list[str], tmp_path) -> None:
    pdf = reader(data)
    catalog = pdf.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True and "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) == language
    assert pdf.metadata.title == title and catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert 'pdfuaid:part="1"' in xmp(pdf) or pdfa_part(pdf) == ("3", "B")
    found = tags(pdf)
    assert found.count("/H1") == 1 and "/H2" in found, found[:40]
    if "/Table" in found:  # tables are tagged as tables, with header cells
        assert "/TH" in found and "/TD" in found
    bookmarks = outline_titles(pdf)
    assert bookmarks[0] == title and all(h in bookmarks for h in headings), (bookmarks, headings)
    assert not structure_is_whole(pdf)
    alts = figure_alts(pdf)
    assert all(alt and len(alt) > 40 for alt in alts), alts
    if shutil.which("pdfinfo"):
        info = _pdfinfo(data, tmp_path)
        assert info["Tagged"] == "yes" and info["Title"] == title, info
    elif os.environ.get("REQUIRE_PDFINFO"):
        pytest.fail("pdfinfo (Debian's poppler-utils) is required here (REQUIRE_PDFINFO) and missing")


def test_every_pdf_is_tagged_and_the_archival_ones_carry_their_tables(app, client, runner, login_as, tmp_path):
    """The demo company's five kinds of PDF, in English and Dutch: tagged, in their language, with headings
    as bookmarks and text alternatives for the charts; then the archival PDF/A of each with its CSV files,
    whose numbers are the figures the reports show."""
    from hiring.analytics import figures
    from hiring.labels import group_label
    from hiring.reports import documents

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    login_as(Role.HR)
    application_id = db.session.scalar(
        sa.text("SELECT a.application_id FROM interview_assignments a JOIN scorecards s ON s.assignment_id = a.id "
                "WHERE s.status = 'submitted' LIMIT 1"))
    enrollment_id = db.session.scalar(sa.select(Enrollment.id).where(Enrollment.completed_on.is_(None)).limit(1))
    headings = {"en": {"dossier": ["The gate", "Stage history"], "fairness": ["Summary"],
                       "retention": ["Retention", "Does our interview predict?"], "onboarding": ["Summary"]},
                "nl": {"dossier": ["De poort", "Fasegeschiedenis"], "fairness": ["Samenvatting"],
                       "retention": ["Behoud", "Voorspelt ons interview?"], "onboarding": ["Samenvatting"]}}
    for language in ("en", "nl"):
        headers = {"Accept-Language": language}
        dossier = client.get(f"/reports/applications/{application_id}/dossier.pdf", headers=headers)
        assert dossier.status_code == 200
        title = reader(dossier.data).metadata.title
        assert title.startswith("Decision dossier: " if language == "en" else "Besluitdossier: "), title
        _assert_accessible(dossier.data, language, title, headings[language]["dossier"], tmp_path)
        one = client.get(f"/reports/onboarding/{enrollment_id}.pdf", headers=headers)
        _assert_accessible(one.data, language, reader(one.data).metadata.title, [], tmp_path)
        with app.test_request_context(headers=headers), force_locale(language):
            for kind, params in (("fairness", {"job": None}), ("retention", {}), ("onboarding", {"cohort": ""})):
                data = documents.build(kind, params)
                _assert_accessible(data, language, documents.title(kind, params), headings[language][kind], tmp_path)
                if kind == "retention":
                    alts = figure_alts(reader(data))
                    # The three retention charts and the three forest plots, each saying what it shows.
                    assert len(alts) == 6, alts
                    if language == "en":
                        assert alts[0].startswith("Line chart: the share of all hires still employed")
                        assert "Whole interval above zero: Values fit (r = " in alts[3], alts[3]
                    else:
                        assert alts[0].startswith("Lijndiagram"), alts[0]

    # The archival PDF/A, in English: declared in the XMP metadata, tagged as well, its tables attached.
    with app.test_request_context(headers={"Accept-Language": "en"}), force_locale("en"):
        fairness = reader(documents.build("fairness", {"job": None, "archive": True}))
        assert pdfa_part(fairness) == ("3", "B") and fairness.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True
        assert fairness.trailer["/Root"]["/OutputIntents"] and fairness.trailer.get("/ID")
        rows = attached_csv(fairness, "funnel-and-fairness.csv")
        assert rows[0][:6] == ["step", "dimension", "group", "considered", "selected", "rate"]
        gate = figures.fairness(None, wait=True).value["gate"]
        shown = sorted((group_label(r.group), r.considered, r.selected) for table in gate.values() for r in table)
        read = sorted((row[2], int(row[3]), int(row[4])) for row in rows[1:] if row[0] == "values gate")
        assert read == shown and len(read) >= 4

        retention = reader(documents.build("retention", {"archive": True}))
        assert pdfa_part(retention) == ("3", "B")
        assert set(retention.attachments) == {"offer-by-cohort.csv", "retention.csv", "leavers.csv", "prediction.csv"}
        stats = figures.offer_statistics(wait=True).value
        by_cohort = [row for row in attached_csv(retention, "offer-by-cohort.csv")[1:] if row[0] == "cohort"]
        assert [(row[1], int(row[2]), int(row[3])) for row in by_cohort if row[2]] == \
            [(r.label, r.made, r.taken.k) for r in stats["by_cohort"]]
        curves = attached_csv(retention, "retention.csv")
        assert curves[1][:3] == ["all hires", "all hires", str(stats["all_curve"].n)]
        assert float(curves[1][12]) == round(stats["all_curve"].at[365][0], 4)
        prediction = figures.prediction(wait=True).value
        values_fit = next(row for row in prediction.rows if row.item.key == "axis:values")
        week5 = next(row for row in attached_csv(retention, "prediction.csv")[1:]
                     if row[1] == values_fit.item.name and row[0] == "Interview ratings and the mentor's week-5 review")
        assert int(week5[4]) == values_fit.findings["week5"].n
        assert float(week5[5]) == round(values_fit.findings["week5"].observed.r, 4)

        onboarding = reader(documents.build("onboarding", {"cohort": "", "archive": True}))
        assert pdfa_part(onboarding) == ("3", "B")
        people = attached_csv(onboarding, "onboarding.csv")[1:]
        assert len(people) == db.session.scalar(sa.text(
            "SELECT count(*) FROM enrollments WHERE completed_on IS NULL AND NOT hire_left"))


@pytest.fixture
def scored(app):
    value = factories.core_value(name="Be humble")
    application = factories.application(factories.job(title="Loyalty team"), factories.candidate(name="Dana Dossier"))
    for name, score in (("Ivo Interviewer", 5), ("Ria Rater", None)):
        a = factories.assignment(application, factories.user(Role.INTERVIEWER, name=name), InterviewKind.VALUES)
        db.session.add(Scorecard(assignment=a, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                                 recommendation=Recommendation.YES, key_takeaways="Kind",
                                 ratings=[Rating(core_value_id=value.id, score=score, no_evidence=score is None,
                                                 evidence="Helped a colleague")]))
    db.session.flush()
    score_application(db.session, application.id)
    db.session.commit()
    return application


def test_the_dossier_as_pdfa_carries_its_ratings_and_stage_history(client, login_as, scored):
    login_as(Role.RECRUITER)
    page = client.get(f"/reports/applications/{scored.id}/dossier").get_data(as_text=True)
    assert f'href="/reports/applications/{scored.id}/dossier.pdf?format=pdfa"' in page and 'id="pdfa-hint"' in page
    response = client.get(f"/reports/applications/{scored.id}/dossier.pdf?format=pdfa")
    assert response.status_code == 200
    assert f'filename="dossier-application-{scored.id}-pdfa.pdf"' in response.headers["Content-Disposition"]
    pdf = reader(response.data)
    assert pdfa_part(pdf) == ("3", "B") and "Dana Dossier" in pdf.metadata.title
    # The attached file is named after what it holds, never after the candidate.
    assert set(pdf.attachments) == {"ratings.csv", "stage-history.csv"}
    ratings = attached_csv(pdf, "ratings.csv")
    assert ratings[0] == ["kind", "item", "must have", "interviewer", "interview", "score", "no evidence"]
    assert sorted(ratings[1:]) == [["core value", "Be humble", "no", "Ivo Interviewer", "Values", "5", "no"],
                                   ["core value", "Be humble", "no", "Ria Rater", "Values", "", "yes"]]
    # Each attachment is an associated file of the document, as PDF/A-3 asks (its relationship: Data).
    relationships = {str(spec.get_object()["/AFRelationship"]) for spec in pdf.trailer["/Root"]["/AF"]}
    assert relationships == {"/Data"}
    # A format it does not know is the ordinary PDF.
    plain = client.get(f"/reports/applications/{scored.id}/dossier.pdf?format=docx")
    assert 'filename="dossier-application-' in plain.headers["Content-Disposition"] and not reader(plain.data).attachments
    assert pdfa_part(reader(plain.data)) is None


def test_the_same_data_at_the_same_moment_gives_the_same_bytes(app, scored):
    """An archived copy can be checked by rendering it again at its recorded creation date."""
    from hiring.reports import documents
    from hiring.reports.dossier import dossier
    from hiring.reports.pdf import render_pdf

    with app.test_request_context():
        data = dossier(db.session, scored.id)

        def render(moment, archive):
            return render_pdf("reports/dossier_pdf.html", "Decision dossier", now=moment, summary=None,
                              archive=documents.archive_tables("dossier", data) if archive else None, **data)

        for archive in (False, True):
            first, again = render(MOMENT, archive), render(MOMENT, archive)
            assert first == again
            later = render(MOMENT + timedelta(seconds=1), archive)
            assert later != first
            assert reader(first).metadata["/CreationDate"] == "D:20261130091500Z"


def test_the_charts_say_what_they_show(app):
    """Worked examples of the text alternatives: the figures a reader takes from each chart."""
    from hiring.analytics.retention import Curve
    from hiring.reports.chart_text import forest_alt, retention_alt

    rows = [("Be humble", 0.42, 0.21, 0.59, 0.5), ("Do more with less", 0.05, -0.2, 0.3, None),
            ("Values fit", 0.61, 0.02, 0.8, 0.7)]
    empty = np.array([])

    def curve(label, n, at):
        return Curve(label=label, n=n, events=0, timeline=empty, survival=empty, lower=empty, upper=empty,
                     median=None, at=at)

    with app.test_request_context(), force_locale("en"):
        assert forest_alt(rows) == (
            "Forest plot of 3 items: each item's correlation (r) with the outcome, with its 95% interval and a line "
            "at zero. Whole interval above zero: Be humble (r = 0.42, 0.21 to 0.59); Values fit (r = 0.61, 0.02 to "
            "0.80).")
        assert forest_alt(rows[1:2]).endswith("No item has its whole interval above zero.")
        assert retention_alt("all", [curve("all hires", 120, {365: (0.8761, 0.8, 0.93), 30: (1.0, 1.0, 1.0)})]) == (
            "Line chart: the share of all hires still employed, by days since their start, with its 95% confidence "
            "band. 88% of 120 hires still employed after 365 days.")
        assert retention_alt("band", [curve("90 and over", 40, {365: None, 180: (0.95, 0.9, 0.99)}),
                                      curve("under 60", 3, {})]).endswith(
            "90 and over: 95% still employed after 180 days (40 people); under 60: 3 people, too recent to read.")
