"""The calibration and model pages, the train-model command, and the advice on the candidate page."""
from __future__ import annotations

import numpy as np
import pytest

from hiring.extensions import db
from hiring.models import InterviewKind, Rating, Recommendation, Role, Scorecard, ScorecardStatus, utcnow
from hiring.scoring.model import save, train
from tests import factories


def _submitted(application, interviewer, value, score):
    a = factories.assignment(application, interviewer, InterviewKind.VALUES)
    db.session.add(Scorecard(assignment=a, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                             recommendation=Recommendation.YES,
                             ratings=[Rating(core_value_id=value.id, score=score, evidence="e")]))


def test_calibration_page(client, login_as, count_queries):
    login_as(Role.HR)
    value = factories.core_value(name="Be humble")
    kind, harsh = factories.user(Role.INTERVIEWER, name="Kind Karel"), factories.user(Role.INTERVIEWER,
                                                                                      name="Harsh Hilde")
    for _ in range(3):
        application = factories.application()
        _submitted(application, kind, value, 5)
        _submitted(application, harsh, value, 2)
    db.session.commit()
    html = client.get("/scoring/calibration").get_data(as_text=True)
    # Two interviewers who only met each other: mirror-image offsets of half the difference, neither flagged.
    assert "Kind Karel" in html and "+1.50" in html and "-1.50" in html
    assert "Compared with one colleague only" in html and "How this is computed" in html
    assert "Be humble" in html and "Reliability per item" in html


def test_calibration_page_without_data(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/scoring/calibration").get_data(as_text=True)
    assert "No scorecards submitted yet." in html and "No ratings yet." in html


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_scoring_pages_are_for_hr_and_admins(client, login_as, role):
    login_as(role)
    assert client.get("/scoring/calibration").status_code == 403
    assert client.get("/scoring/model").status_code == 403


def test_train_model_refuses_too_few_hires(runner):
    result = runner.invoke(args=["train-model"])
    assert result.exit_code == 1 and "Too few hires" in result.output


def test_model_page_and_advice_on_the_candidate_page(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    app = make_app()
    with app.app_context():
        rng = np.random.default_rng(0)
        X = np.column_stack([rng.uniform(0, 100, 200), rng.uniform(0, 100, 200)])
        y = (X[:, 1] + rng.normal(0, 20, 200) > 50).astype(int)
        model, report = train(X, y, ["requirements_fit", "values_fit"])
        save(tmp_path, model, report)
        hr = factories.user(Role.HR)
        application = factories.application()
        application.requirements_fit, application.values_fit = 70.0, 90.0
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": hr.email, "password": factories.PASSWORD})
        page = client.get("/scoring/model").get_data(as_text=True)
        assert "ROC-AUC (cross-validated)" in page and "Values fit" in page
        candidate = client.get(f"/pipeline/candidates/{application.candidate_id}").get_data(as_text=True)
        assert "Predicted chance of staying a year (advice only):" in candidate
        assert "never part of the decision" in candidate


def test_model_page_without_a_model(client, login_as):
    login_as(Role.HR)
    assert "No model has been trained yet." in client.get("/scoring/model").get_data(as_text=True)
