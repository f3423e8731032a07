"""The retention model made sound: DeLong's AUC interval, importance on held-out folds, two outcomes, and a
prediction on candidate pages only when the AUC's 95% interval lies above 0.5."""
from __future__ import annotations

import json

import numpy as np
import pytest

from hiring.extensions import db
from hiring.models import Role
from hiring.scoring.model import (ANY_LEAVING, NOT_OFFER, ModelReport, OutcomeReport, _pipeline, load_report,
                                  needs_retraining, save, train)
from hiring.scoring.validation import corrected_interval, delong, held_out_importance, permutation_drops, rank_auc
from tests import factories


def test_delong_matches_a_hand_computed_case():
    # Positives 0.9, 0.8, 0.4; negatives 0.7, 0.3. Pairs won: 1+1, 1+1, 0+1 -> AUC 5/6.
    # V10 = (1, 1, 1/2): sample variance 1/12; V01 = (2/3, 1): sample variance 1/18.
    # Var = (1/12)/3 + (1/18)/2 = 1/18, SE = 0.2357; interval 5/6 -/+ 1.96 SE = 0.371 to 1 (clipped).
    result = delong(np.array([1, 1, 1, 0, 0]), np.array([0.9, 0.8, 0.4, 0.7, 0.3]))
    assert result.auc == pytest.approx(5 / 6)
    assert result.se == pytest.approx(np.sqrt(1 / 18))
    assert result.low == pytest.approx(5 / 6 - 1.959964 * np.sqrt(1 / 18), abs=1e-6) and result.high == 1.0


def test_delong_counts_ties_as_half():
    # Positives 0.9, 0.5, 0.5; negatives 0.5, 0.2. V10 = (1, 3/4, 3/4): variance 1/48; V01 = (2/3, 1): 1/18.
    # AUC = 5/6; Var = (1/48)/3 + (1/18)/2 = 5/144, SE = sqrt(5)/12 = 0.1863.
    result = delong(np.array([1, 1, 1, 0, 0]), np.array([0.9, 0.5, 0.5, 0.5, 0.2]))
    assert result.auc == pytest.approx(5 / 6)
    assert result.se == pytest.approx(np.sqrt(5) / 12)


def test_the_fast_delong_equals_the_pairwise_definition():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 60)
    scores = rng.integers(0, 6, 60).astype(float)  # many ties
    pos, neg = scores[y == 1], scores[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    variance = v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)
    result = delong(y, scores)
    assert result.auc == pytest.approx(psi.mean()) and result.se == pytest.approx(np.sqrt(variance))
    assert rank_auc(y, scores)[0] == pytest.approx(psi.mean())


def test_corrected_interval_of_a_worked_example():
    # Values 1..5 (mean 3, sample variance 2.5), K = 5 (test share 1/5, so n_test/n_train = 1/4), J = 5:
    # SE = sqrt((1/5 + 1/4) * 2.5) = 1.0607; t(0.975, 4) = 2.7764; half-width 2.9449.
    mean, low, high = corrected_interval(np.array([1.0, 2, 3, 4, 5]), 0.2)
    assert mean == 3 and low == pytest.approx(3 - 2.9449, abs=1e-3) and high == pytest.approx(3 + 2.9449, abs=1e-3)


def test_permutation_drops_agree_with_scikit_learn():
    from sklearn.inspection import permutation_importance

    X, y, _ = _one_informative(300)
    fitted = _pipeline().fit(X[:200], y[:200])
    ours = permutation_drops(fitted, X[200:], y[200:], 300, np.random.default_rng(0))
    theirs = permutation_importance(fitted, X[200:], y[200:], scoring="roc_auc", n_repeats=300,
                                    random_state=0).importances_mean
    assert ours == pytest.approx(theirs, abs=0.01)


def _one_informative(n, seed=0):
    """Staying depends on the second feature only; the other three are noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (rng.random(n) < 1 / (1 + np.exp(-2 * X[:, 1]))).astype(int)
    return X, y, ["noise a", "signal", "noise b", "noise c"]


def test_noise_shows_no_importance_on_held_out_folds_though_it_does_in_sample():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(120, 6)), (rng.random(120) < 0.4).astype(int)
    held_out = held_out_importance(_pipeline, X, y, [str(i) for i in range(6)], splits=5)
    assert all(i.low <= 0 <= i.high for i in held_out)
    # The old way, shuffling the rows the model was fitted on: a pure-noise feature "drops" the AUC by > 0.05.
    in_sample = permutation_drops(_pipeline().fit(X, y), X, y, 20, np.random.default_rng(0))
    assert in_sample.max() > 0.05


def test_an_informative_feature_shows_importance_and_noise_does_not():
    X, y, features = _one_informative(200)
    result = {i.feature: i for i in held_out_importance(_pipeline, X, y, features, splits=5)}
    assert result["signal"].low > 0.1
    assert all(result[f].low <= 0 <= result[f].high for f in ("noise a", "noise b", "noise c"))


def test_two_outcomes_leave_the_offer_takers_out_of_the_second():
    X, y, features = _one_informative(200)
    took = np.zeros(200, dtype=bool)
    took[np.flatnonzero(y == 0)[:5]] = True
    models, report = train(X, y, features, took)
    first, second = report.outcome(ANY_LEAVING), report.outcome(NOT_OFFER)
    assert (first.hires, first.leavers, first.excluded) == (200, int((y == 0).sum()), 0)
    assert (second.hires, second.leavers, second.excluded) == (195, int((y == 0).sum()) - 5, 5)
    assert first.predicts and second.predicts and first.auc_low > 0.5
    assert set(models) == {ANY_LEAVING, NOT_OFFER}


def test_a_noise_model_does_not_predict():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(80, 3)), (rng.random(80) < 0.5).astype(int)
    _models, report = train(X, y, ["a", "b", "c"])
    assert all(o.auc_low <= 0.5 for o in report.outcomes) and report.predicting == []


def test_an_old_format_report_means_retrain(tmp_path):
    (tmp_path / "retention-model.json").write_text(json.dumps(
        {"trained_at": "2025-01-01T00:00:00+00:00", "hires": 50, "leavers": 10, "features": ["values_fit"],
         "auc": 0.7, "auc_sd": 0.05, "brier": 0.2, "importance": []}))
    assert load_report(tmp_path) is None and needs_retraining(tmp_path)
    (tmp_path / "retention-model.json").write_text("not json")
    assert load_report(tmp_path) is None and needs_retraining(tmp_path)
    assert not needs_retraining(tmp_path / "nothing")


def _outcome(name, low, high):
    return OutcomeReport(outcome=name, hires=120, leavers=30, excluded=0 if name == ANY_LEAVING else 2,
                         auc=(low + high) / 2, auc_se=0.05, auc_low=low, auc_high=high, brier=0.2, folds=5,
                         importance=[{"feature": "values_fit", "mean": 0.01, "low": -0.02, "high": 0.04}])


def _saved(tmp_path, any_interval, not_offer_interval):
    """A saved pair of models (fitted on values fit alone) with the AUC intervals the test chooses."""
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 100, size=(100, 1))
    y = (X[:, 0] + rng.normal(0, 20, 100) > 50).astype(int)
    models = {ANY_LEAVING: _pipeline().fit(X, y), NOT_OFFER: _pipeline().fit(X, y)}
    save(tmp_path, models, ModelReport(trained_at="2026-01-01T00:00:00+00:00", features=["values_fit"],
                                       outcomes=[_outcome(ANY_LEAVING, *any_interval),
                                                 _outcome(NOT_OFFER, *not_offer_interval)]))


@pytest.fixture()
def candidate_page(make_app, tmp_path, monkeypatch):
    """A function that saves models with given AUC intervals and returns the candidate page and model page."""
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    app = make_app()

    def pages(any_interval=None, not_offer_interval=None, old=False):
        with app.app_context():
            if old:
                (tmp_path / "retention-model.json").write_text(json.dumps({"auc": 0.9, "hires": 50}))
            elif any_interval:
                _saved(tmp_path, any_interval, not_offer_interval)
            hr = factories.user(Role.HR)
            application = factories.application()
            application.requirements_fit, application.values_fit = 70.0, 90.0
            db.session.commit()
            client = app.test_client()
            client.post("/login", data={"email": hr.email, "password": factories.PASSWORD})
            candidate = client.get(f"/pipeline/candidates/{application.candidate_id}")
            dossier = client.get(f"/reports/applications/{application.id}/dossier")
            model_page = client.get("/scoring/model")
            assert candidate.status_code == model_page.status_code == 200
            assert dossier.status_code == 200
            return (candidate.get_data(as_text=True), model_page.get_data(as_text=True),
                    dossier.get_data(as_text=True))
    return pages


def test_no_prediction_when_the_auc_interval_includes_one_half(candidate_page):
    candidate, model_page, dossier = candidate_page((0.45, 0.75), (0.48, 0.78))
    assert "The model does not predict yet (its AUC interval includes 0.5)." in candidate
    assert "Predicted chance of staying a year" not in candidate
    assert "does not predict yet" in model_page and "Left out: took The Offer" in model_page
    assert "DeLong" in model_page and "Nadeau and Bengio" in model_page and "Breiman" in model_page
    assert "does not predict yet" in dossier and "Predicted chance" not in dossier


def test_a_prediction_with_its_caveat_when_the_interval_lies_above_one_half(candidate_page):
    candidate, model_page, dossier = candidate_page((0.55, 0.85), (0.45, 0.80))
    assert "Predicted chance of staying a year (advice only):" in candidate
    assert "Still here after a year (taking The Offer counts as leaving):" in candidate
    assert "who all passed the gate" in candidate and "never part of the decision" in candidate
    # The second outcome's interval includes 0.5: named, but no figure.
    assert "Still here after a year, not counting The Offer: not shown" in candidate
    assert "Left within a year for any reason (The Offer counts as leaving)" in model_page
    assert "Left within a year, not counting those who took The Offer" in model_page
    assert "Predicted chance of staying a year" in dossier and "who all passed the gate" in dossier


def test_an_old_format_report_does_not_break_the_pages(candidate_page):
    candidate, model_page, _dossier = candidate_page(old=True)
    assert "must be retrained" in model_page
    assert "Predicted chance" not in candidate and "does not predict yet" not in candidate


def test_the_dataset_sends_no_parameter_per_hire(app):
    """PostgreSQL refuses a statement with more than 65,535 bind parameters: at a million candidates the
    dataset sent one per hire (148,273) and training failed. The hires' ids are selected in SQL instead."""
    from datetime import date, timedelta

    import sqlalchemy as sa

    from hiring.extensions import db
    from hiring.scoring.retention_service import retention_dataset
    from tests import factories as f

    value = f.core_value()
    for i in range(12):
        h = f.hire(start=date(2024, 1, 1) + timedelta(days=i))
        f.submitted_scorecard(f.assignment(h.application), {value: 1 + i % 5})
    db.session.commit()
    sizes = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sizes.append(len(parameters or ()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        X, y, features, _ = retention_dataset(db.session, date(2026, 1, 1))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert X.shape == (12, 3) and features == [f"v{value.id}", "requirements_fit", "values_fit"]
    assert sorted(X[:, 0].tolist()) == sorted(float(1 + i % 5) for i in range(12))
    assert max(sizes) < 12  # the same few parameters for 12 hires as for 148,273
