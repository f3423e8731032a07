"""The heavy aggregates (calibration, reliability, the funnel, retention) against straightforward reference
computations: the fast versions sort once and slice, group in SQL or read the driver's cursor, and must give
exactly the same figures, not nearly the same. The references are the plain loops they replaced.

Calibration is the exception, on purpose: since issue 17 it fits a rater-offset model (hiring/scoring/
rater_effects.py) through a sparse solve of the interviewers' equations, and its reference solves the same
least-squares problem on the full dummy-coded design (np.linalg.lstsq), so the two agree to 1e-8 rather than bit for bit; the counts,
distributions and flags agree exactly. Reliability too (issue 19): every item's alpha comes from one pass of the
coincidence-matrix formulas (hiring/scoring/alpha.py) and its reference calls the `krippendorff` library per
item, so the two agree to 1e-12."""
from __future__ import annotations

import dataclasses
import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest
import sqlalchemy as sa
from scipy import stats

from hiring.analytics.retention import durations
from hiring.extensions import db
from hiring.models import (
    Application,
    CoreValue,
    EndReason,
    InterviewKind,
    Job,
    OfferDecision,
    QuitOffer,
    Rating,
    Recommendation,
    Requirement,
    Role,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
    SelfIdentification,
    Stage,
    StageChange,
    User,
    utcnow,
)
from hiring.scoring.calibration import (
    Calibration,
    InterviewerCalibration,
    ItemReliability,
    calibrate,
    offsets,
    reliability,
)
from hiring.scoring.rater_effects import codes
from tests import factories

# ---------------------------------------------------------------------------------------------------------
# References: the straightforward versions (a mask per interviewer, a matrix per item, Python sets per stage).


def _ref_weighted_median(values, weights):
    pairs = sorted(zip(values, weights))
    total, running = sum(weights), 0.0
    for k, (value, weight) in enumerate(pairs):
        running += weight
        if math.isclose(running, total / 2) and k + 1 < len(pairs):
            return (value + pairs[k + 1][0]) / 2
        if running >= total / 2:
            return value
    raise AssertionError("no weights")


def ref_fit(raters, applications, items, scores):
    """The rater-offset model by another road: weighted least squares on a dummy-coded design matrix solved by
    np.linalg.lstsq (rather than absorbing the unit effects), groups by a graph search, comparisons by loops over dicts."""
    cells = defaultdict(list)
    for r, a, i, s in zip(raters.tolist(), applications.tolist(), items.tolist(), scores.tolist()):
        cells[(a, i, r)].append(float(s))
    unit_raters = defaultdict(set)
    for a, i, r in cells:
        unit_raters[(a, i)].add(r)
    shared = {k: sum(v) / len(v) for k, v in cells.items() if len(unit_raters[k[:2]]) >= 2}
    per_pair = defaultdict(int)
    for a, _, r in shared:
        per_pair[(a, r)] += 1
    units = sorted({k[:2] for k in shared})
    people = sorted({k[2] for k in shared})
    u_at, r_at = {u: n for n, u in enumerate(units)}, {r: n for n, r in enumerate(people)}
    X = np.zeros((len(shared), len(units) + len(people)))
    y, w = np.zeros(len(shared)), np.zeros(len(shared))
    for row, ((a, i, r), value) in enumerate(shared.items()):
        X[row, u_at[(a, i)]] = X[row, len(units) + r_at[r]] = 1
        y[row], w[row] = value, 1 / per_pair[(a, r)]
    b = np.linalg.lstsq(X * np.sqrt(w)[:, None], y * np.sqrt(w), rcond=None)[0][len(units):] if len(shared) else []
    b = dict(zip(people, np.asarray(b, dtype=float).tolist()))
    candidates = defaultdict(int)
    for _, r in per_pair:
        candidates[r] += 1
    # Groups: raters linked through the items of candidates they rated together.
    met = defaultdict(set)
    for a, i, r in shared:
        met[("r", r)].add(("u", (a, i)))
        met[("u", (a, i))].add(("r", r))
    group, offset = {}, {}
    for start in people:
        if start in group:
            continue
        seen, todo = {("r", start)}, [("r", start)]
        while todo:
            for nxt in met[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        members = sorted(x for kind, x in seen if kind == "r")
        centre = _ref_weighted_median([b[m] for m in members], [candidates[m] for m in members])
        for m in members:
            group[m], offset[m] = len(members), b[m] - centre
    comparisons = defaultdict(list)
    for (a, i, r), value in shared.items():
        others = [shared[(a, i, o)] - offset[o] for o in unit_raters[(a, i)] if o != r]
        comparisons[(a, r)].append(value - sum(others) / len(others))
    colleagues = defaultdict(set)
    for a, i in units:
        for r in unit_raters[(a, i)]:
            colleagues[r] |= unit_raters[(a, i)] - {r}
    return {r: (group[r], len(colleagues[r]), [sum(v) / len(v) for (a, who), v in sorted(comparisons.items())
                                               if who == r]) for r in people}


def ref_calibrate(card_counts, raters, applications, items, scores, no_evidence):
    rated = ~no_evidence
    fitted = ref_fit(raters[rated], applications[rated], items[rated], scores[rated])
    means = {r: sum(d) / len(d) for r, (_, _, d) in fitted.items()}
    usable = [r for r, (size, _, d) in fitted.items() if size >= 3 and len(d) >= 2]
    within = between = None
    if usable:
        within = (sum(sum((x - means[r]) ** 2 for x in fitted[r][2]) for r in usable)
                  / sum(len(fitted[r][2]) - 1 for r in usable))
        between = max(0.0, sum(means[r] ** 2 for r in usable) / len(usable)
                      - sum(within / len(fitted[r][2]) for r in usable) / len(usable))
    results = []
    for rater in sorted(set(card_counts) | set(raters.tolist())):
        mine = raters == rater
        values, counts = np.unique(scores[mine & rated].astype(int), return_counts=True)
        result = InterviewerCalibration(
            interviewer_id=int(rater), scorecards=card_counts.get(int(rater), 0),
            distribution={level: 0 for level in range(1, 6)} | dict(zip(values.tolist(), counts.tolist())),
            no_evidence_share=float(no_evidence[mine].mean()) if mine.any() else None)
        if rater in fitted:
            size, colleagues, d = fitted[rater]
            n, raw = len(d), means[rater]
            factor = 1.0
            if size >= 3 and between is not None and within > 0:
                factor = between / (between + within / n)
            result.candidates, result.colleagues, result.identifiable = n, colleagues, size >= 3
            result.raw_offset, result.shrinkage, result.offset = raw, factor, factor * raw
            if n > 1:
                sd = math.sqrt(sum((x - raw) ** 2 for x in d) / (n - 1))
                half = stats.t.ppf(0.975, n - 1) * math.sqrt(factor) * sd / math.sqrt(n)
                result.low, result.high = factor * raw - half, factor * raw + half
            else:
                result.low, result.high = -math.inf, math.inf
        results.append(result)
    return Calibration(results, between, within)


def ref_reliability(items, applications, raters, scores):
    import krippendorff

    results = []
    for item in np.unique(items):
        mask = items == item
        apps, who, s = applications[mask], raters[mask], scores[mask].astype(float)
        app_ids, app_index = np.unique(apps, return_inverse=True)
        rater_ids, rater_index = np.unique(who, return_inverse=True)
        matrix = np.full((len(rater_ids), len(app_ids)), np.nan)
        matrix[rater_index, app_index] = s
        pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
        alpha = None
        if pairable.sum() >= 2:
            data = matrix[:, pairable]
            if len(np.unique(data[~np.isnan(data)])) > 1:
                alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                                 value_domain=[1, 2, 3, 4, 5]))
        results.append(ItemReliability(item.item() if hasattr(item, "item") else item, alpha, int(pairable.sum())))
    return results


def ref_calibration_data(session):
    """Each submitted scorecard's ratings as first submitted: the oldest revision's when it was amended."""
    cards = session.scalars(sa.select(Scorecard).where(Scorecard.status == ScorecardStatus.SUBMITTED)
                            .order_by(Scorecard.id)).all()
    rows = []
    for card in cards:
        first = ([(r["requirement_id"], r["core_value_id"], r["score"], r["no_evidence"])
                  for r in card.revisions[0].snapshot["ratings"]] if card.revisions else
                 [(r.requirement_id, r.core_value_id, r.score, r.no_evidence)
                  for r in sorted(card.ratings, key=lambda r: r.id)])
        rows += [(card.assignment.interviewer_id, card.assignment.application_id, *r) for r in first]
    counted = defaultdict(int)
    for card in cards:
        counted[card.assignment.interviewer_id] += 1
    raters = np.array([r[0] for r in rows], dtype=np.int64)
    applications = np.array([r[1] for r in rows], dtype=np.int64)
    items = np.array([f"r{r[2]}" if r[2] is not None else f"v{r[3]}" for r in rows], dtype=object)
    scores = np.array([r[4] if r[4] is not None else 0 for r in rows], dtype=np.int64)
    no_evidence = np.array([bool(r[5]) or r[4] is None for r in rows], dtype=bool)
    result = ref_calibrate(dict(sorted(counted.items())), raters, applications, items, scores, no_evidence)
    rated = ~no_evidence
    items_alpha = ref_reliability(items[rated], applications[rated], raters[rated], scores[rated])
    names = dict(session.execute(
        sa.select(User.id, User.name).where(User.id.in_([p.interviewer_id for p in result.people]))).all())
    item_names = {f"r{i}": f"{t}: {n}" for i, n, t in session.execute(
        sa.select(Requirement.id, Requirement.name, Job.title).join(Job, Requirement.job_id == Job.id)).all()}
    item_names.update({f"v{i}": n for i, n in session.execute(sa.select(CoreValue.id, CoreValue.name)).all()})
    return {"people": result.people, "between": result.between, "within": result.within,
            "first_versions": sum(bool(card.revisions) for card in cards), "names": names, "items": items_alpha,
            "item_names": item_names}


def ref_funnel_and_fairness(session, job_id=None):
    from statistics import median

    from hiring.analytics.fairness import adverse_impact
    from hiring.analytics.rates import wilson
    from hiring.analytics.service import DIMENSIONS, FUNNEL
    from hiring.models import GateResult

    apps_stmt = (sa.select(Application.id, Application.stage, Application.gate_result, SelfIdentification.gender,
                           SelfIdentification.age_band, SelfIdentification.declined)
                 .outerjoin(SelfIdentification, SelfIdentification.candidate_id == Application.candidate_id))
    changes_stmt = sa.select(StageChange.application_id, StageChange.to_stage, StageChange.changed_at)
    if job_id is not None:
        apps_stmt = apps_stmt.where(Application.job_id == job_id)
        changes_stmt = changes_stmt.join(Application, StageChange.application_id == Application.id).where(
            Application.job_id == job_id)
    apps = {row.id: row for row in session.execute(apps_stmt)}
    entered = defaultdict(dict)
    for application_id, to_stage, at in session.execute(changes_stmt.order_by(StageChange.changed_at)):
        if application_id in apps:
            entered[application_id].setdefault(to_stage.value, at)
    reached = {stage: {a for a in apps if stage in entered[a]} for stage in FUNNEL}
    # A withdrawal is the candidate's decision, not the employer's: not "not selected".
    rejected = {a for a, row in apps.items() if row.stage.value == "rejected"}
    withdrawn = {a for a, row in apps.items() if row.stage.value == "withdrawn"}
    steps = []
    for stage, following in zip(FUNNEL, FUNNEL[1:]):
        days = [(entered[a][following] - entered[a][stage]).days for a in reached[following] if stage in entered[a]]
        decided = {a for a in reached[stage] if a in reached[following] or a in rejected}
        groups = {}
        for dimension in DIMENSIONS:
            counts = defaultdict(lambda: [0, 0])
            for a in decided:
                label = getattr(apps[a], dimension)
                if label:
                    counts[label][1] += 1
                    counts[label][0] += a in reached[following]
            groups[dimension] = adverse_impact({g: (s, n) for g, (s, n) in counts.items()})
        steps.append({"stage": stage, "next": following, "reached": len(reached[stage]),
                      "moved_on": len(reached[following]), "decided": len(decided),
                      "withdrew": len((reached[stage] - reached[following]) & withdrawn),
                      "pass_through": wilson(len(reached[following] & decided), len(decided)),
                      "median_days": median(days) if days else None, "groups": groups})
    gate = {}
    scored = [row for row in apps.values() if row.gate_result in (GateResult.PASSES, GateResult.FAILS)]
    for dimension in DIMENSIONS:
        counts = defaultdict(lambda: [0, 0])
        for row in scored:
            label = getattr(row, dimension)
            if label:
                counts[label][1] += 1
                counts[label][0] += row.gate_result is GateResult.PASSES
        gate[dimension] = adverse_impact({g: (s, n) for g, (s, n) in counts.items()})
    # Holm (1979) over every comparison of the report, by the textbook loop: the i-th smallest p (from 0) times
    # m - i, never below the one before, capped at 1.
    tables = [gate[d] for d in DIMENSIONS] + [s["groups"][d] for s in steps for d in DIMENSIONS]
    tested = [(t, i) for t, table in enumerate(tables) for i, row in enumerate(table) if row.p_value is not None]
    running = 0.0
    for rank, (t, i) in enumerate(sorted(tested, key=lambda ti: tables[ti[0]][ti[1]].p_value)):
        running = max(running, min(1.0, tables[t][i].p_value * (len(tested) - rank)))
        tables[t][i] = dataclasses.replace(tables[t][i], p_holm=running)
    return {"applications": len(apps), "steps": steps, "gate": gate, "scored": len(scored),
            "self_identified": sum(1 for r in apps.values() if r.gender or r.age_band),
            "declined": sum(1 for r in apps.values() if r.declined), "comparisons": len(tested)}


def ref_durations(starts, ends, today):
    days, observed = [], []
    for start, end in zip(starts, ends):
        if start > today:
            continue
        if end is not None and end <= today:
            days.append((end - start).days)
            observed.append(True)
        else:
            days.append((today - start).days)
            observed.append(False)
    return np.asarray(days, dtype=float), np.asarray(observed, dtype=bool)


def same(a, b, path="result"):
    """Exact equality through dataclasses, dicts, lists and arrays (NaN equal to NaN, types too)."""
    assert type(a) is type(b), path
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), path
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), path
    else:
        assert a == b, path


def close(a, b, path="result", tol=1e-8):
    """As `same`, but floats to `tol`: the calibration's reference solves the same least-squares problem by
    another road (the full design against the absorbed one), so the last digits differ; alpha is computed in
    one pass for every item (hiring/scoring/alpha.py) where the reference calls the library per item (1e-12)."""
    if isinstance(a, float) and isinstance(b, float) and math.isfinite(a):
        assert a == pytest.approx(b, rel=tol, abs=tol), path
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            close(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}", tol)
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            close(a[k], b[k], f"{path}[{k!r}]", tol)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{i}]", tol)
    else:
        same(a, b, path)


# ---------------------------------------------------------------------------------------------------------
# The pure functions on random arrays.


def _random_ratings(rng, n=3000, raters=12, apps=150, items=9, duplicates=True):
    r = rng.integers(1, raters + 1, n)
    a = rng.integers(1, apps + 1, n)
    i = rng.integers(0, items, n)
    s = rng.integers(1, 6, n)
    if not duplicates:  # one rating per rater, application and item
        _, first = np.unique(np.stack([r, a, i]), axis=1, return_index=True)
        r, a, i, s = r[first], a[first], i[first], s[first]
        order = rng.permutation(len(r))
        r, a, i, s = r[order], a[order], i[order], s[order]
    return r, a, i, s


@pytest.mark.parametrize("seed", range(4))
def test_codes_are_uniques_inverse(seed):
    rng = np.random.default_rng(seed)
    for keys in (rng.integers(0, 50, 500), rng.integers(0, 10 ** 12, 500)):  # a table, then a sort
        number, distinct = codes(keys)
        want_distinct, want_number = np.unique(keys, return_inverse=True)
        assert np.array_equal(number, want_number.reshape(-1)) and np.array_equal(distinct, want_distinct)
    words = np.array([f"k{k}" for k in rng.integers(0, 50, 500)], dtype=object)
    assert np.array_equal(codes(words)[0], np.unique(words, return_inverse=True)[1].reshape(-1))
    assert codes(np.array([], dtype=np.int64))[0].tolist() == []


@pytest.mark.parametrize("seed", range(4))
def test_offsets_equal_the_reference(seed):
    rng = np.random.default_rng(seed)
    r, a, i, s = _random_ratings(rng)
    who, app, diff = offsets(r, a, i, s.astype(float))
    want = ref_fit(r, a, i, s.astype(float))
    for rater, (_, _, comparisons) in want.items():
        mine = who == rater
        assert app[mine].tolist() == sorted(set(app[mine].tolist()))  # one comparison per shared candidate
        assert diff[mine] == pytest.approx(comparisons, abs=1e-8)
    assert sorted(set(who.tolist())) == sorted(want)


def test_sparse_sums_for_thousands_of_interviewers_equal_the_dense_table(monkeypatch):
    from hiring.scoring import rater_effects

    r, a, i, s = _random_ratings(np.random.default_rng(11))
    dense = rater_effects.fit(r, a, i, s.astype(float))
    monkeypatch.setattr(rater_effects, "DENSE_RATERS", 0)  # the path of a company with thousands of them
    sparse = rater_effects.fit(r, a, i, s.astype(float))
    for name in ("raters", "group_size", "colleagues", "who", "application"):
        assert np.array_equal(getattr(dense, name), getattr(sparse, name)), name
    for name in ("offset", "difference"):
        assert getattr(sparse, name) == pytest.approx(getattr(dense, name), abs=1e-12, nan_ok=True), name


@pytest.mark.parametrize("seed", range(4))
def test_calibrate_equals_the_reference(seed):
    rng = np.random.default_rng(seed)
    r, a, i, s = _random_ratings(rng)
    no_evidence = rng.random(len(s)) < 0.1
    s = np.where(no_evidence, 0, s)
    cards = {int(k): int(rng.integers(1, 30)) for k in range(1, 16)}  # 13-15 rated nothing
    want = ref_calibrate(cards, r, a, i, s, no_evidence)
    got = calibrate(cards, r, a, i, s, no_evidence)
    close(got, want)
    assert [p.flagged for p in got.people] == [p.flagged for p in want.people]
    words = np.array([f"item {x}" for x in i], dtype=object)
    close(calibrate(cards, r, a, words, s, no_evidence), want)
    same(calibrate({}, r[:0], a[:0], i[:0], s[:0], no_evidence[:0]), Calibration([], None, None))


@pytest.mark.parametrize("seed", range(4))
def test_reliability_equals_the_reference(seed):
    rng = np.random.default_rng(seed)
    # Raters who rated an application's item twice (the later rating counts), items with agreement only,
    # items rated once: the matrix-per-item reference handles all of these in its own way.
    r, a, i, s = _random_ratings(rng, n=2500, raters=5, apps=80, items=7, duplicates=bool(seed % 2))
    s[i == 6] = 3
    close(reliability(i, a, r, s), ref_reliability(i, a, r, s), tol=1e-12)
    words = np.array([f"r{x}" for x in i], dtype=object)
    close(reliability(words, a, r, s), ref_reliability(words, a, r, s), tol=1e-12)
    one = (i == 0) & (a < 3)
    close(reliability(i[one], a[one], r[one], s[one]), ref_reliability(i[one], a[one], r[one], s[one]), tol=1e-12)
    assert reliability(i[:0], a[:0], r[:0], s[:0]) == []
    # A missing score is no rating, also when it is a rater's later one.
    missing = s.astype(float)
    missing[rng.random(len(s)) < 0.05] = np.nan
    close(reliability(i, a, r, missing), ref_reliability(i, a, r, missing), tol=1e-12)


def test_reliability_refuses_levels_outside_the_scale_as_before():
    items, apps, raters = np.zeros(4, int), np.array([1, 1, 2, 2]), np.array([1, 2, 1, 2])
    with pytest.raises(ValueError):
        reliability(items, apps, raters, np.array([1, 7, 2, 3]))
    with pytest.raises(ValueError):
        ref_reliability(items, apps, raters, np.array([1, 7, 2, 3]))


@pytest.mark.parametrize("seed", range(3))
def test_durations_equal_the_reference(seed):
    rng = random.Random(seed)
    today = date(2026, 5, 1)
    starts = [today + timedelta(days=rng.randint(-900, 30)) for _ in range(300)]
    ends = [None if rng.random() < 0.4 else s + timedelta(days=rng.randint(0, 700)) for s in starts]
    got, want = durations(starts, ends, today), ref_durations(starts, ends, today)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and np.array_equal(g, w)
    for g, w in zip(durations([], [], today), ref_durations([], [], today)):
        assert g.dtype == w.dtype and len(g) == 0


# ---------------------------------------------------------------------------------------------------------
# The services on a small random company, against the references on the same database.


def _random_interviews(rng: random.Random):
    values = [factories.core_value(name=f"Value {i}") for i in range(3)]
    jobs = [factories.job(title=f"Job {j}", requirements=3) for j in range(3)]
    interviewers = [factories.user(Role.INTERVIEWER) for _ in range(6)]
    for _ in range(40):
        application = factories.application(rng.choice(jobs))
        people = rng.sample(interviewers, rng.randint(1, 3))
        for person, kind in zip(people, InterviewKind):
            assignment = factories.assignment(application, person, kind)
            submitted = rng.random() < 0.85
            card = Scorecard(assignment=assignment, status=ScorecardStatus.SUBMITTED if submitted else
                             ScorecardStatus.DRAFT, submitted_at=utcnow() if submitted else None,
                             recommendation=Recommendation.YES if submitted else None)
            for item in list(application.job.requirements) + values:
                if rng.random() < 0.15:
                    continue
                score = None if rng.random() < 0.1 else rng.randint(1, 5)
                column = "core_value_id" if isinstance(item, CoreValue) else "requirement_id"
                card.ratings.append(Rating(**{column: item.id}, score=score, no_evidence=score is None,
                                           evidence="e"))
            if submitted and rng.random() < 0.2:  # amended since: the first version is kept in a revision
                first = [{"requirement_id": r.requirement_id, "core_value_id": r.core_value_id, "score": r.score,
                          "no_evidence": r.no_evidence, "evidence": "e"} for r in card.ratings]
                card.revisions.append(ScorecardRevision(version=1, snapshot={"ratings": first}, reason="r"))
                for rating in card.ratings:
                    if rating.score is not None:
                        rating.score = rng.randint(1, 5)
            db.session.add(card)
        if len(people) < 3 and rng.random() < 0.3:  # the same interviewer again, in an interview of another kind
            assignment = factories.assignment(application, people[0], list(InterviewKind)[len(people)])
            db.session.add(Scorecard(assignment=assignment, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                                     recommendation=Recommendation.YES,
                                     ratings=[Rating(core_value_id=values[0].id, score=rng.randint(1, 5),
                                                     evidence="e")]))
    db.session.commit()


@pytest.mark.parametrize("seed", range(2))
def test_calibration_data_equals_the_reference(app, seed):
    from hiring.scoring.calibration_service import calibration_data

    _random_interviews(random.Random(seed))
    close(calibration_data(db.session), ref_calibration_data(db.session))


def test_calibration_data_with_nothing_submitted(app):
    from hiring.scoring.calibration_service import calibration_data

    close(calibration_data(db.session), ref_calibration_data(db.session))


def test_int_rows_reads_integer_columns(app):
    from hiring.scoring.service import int_rows

    values = [factories.core_value() for _ in range(3)]
    db.session.commit()
    rows = int_rows(db.session, sa.select(CoreValue.id, CoreValue.id * 2).order_by(CoreValue.id), chunk=2)
    assert rows.dtype == np.int64 and rows.tolist() == [[v.id, v.id * 2] for v in values]
    assert int_rows(db.session, sa.select(CoreValue.id).where(CoreValue.id < 0)).shape == (0, 1)


def _random_funnel(rng: random.Random):
    from hiring.models import GateResult

    jobs = [factories.job(title=f"Job {j}") for j in range(2)]
    start = datetime(2025, 1, 1, 9, tzinfo=timezone.utc)
    for n in range(120):
        candidate = factories.candidate()
        if rng.random() < 0.8:
            declined = rng.random() < 0.15
            db.session.add(SelfIdentification(
                candidate_id=candidate.id, declined=declined,
                gender=None if declined else rng.choice(["woman", "man", "non-binary", "", None]),
                age_band=None if declined else rng.choice(["under 30", "30-49", "50+", None])))
        path = ["applied", "screening", "interviewing", "decision", "hired"][:rng.randint(1, 5)]
        end = rng.choice([None, "rejected", "withdrawn"]) if len(path) < 5 else None
        application = factories.application(rng.choice(jobs), candidate)
        application.stage = Stage(end or path[-1])
        application.gate_result = rng.choice([None, GateResult.PASSES, GateResult.FAILS, GateResult.INCOMPLETE])
        at, previous = start + timedelta(hours=rng.randint(0, 2000), microseconds=rng.randint(0, 999999)), None
        for stage in path + ([end] if end else []):
            db.session.add(StageChange(application=application, from_stage=previous, to_stage=Stage(stage),
                                       changed_at=at, reason="x"))
            if rng.random() < 0.1:  # entered twice: the first time counts
                db.session.add(StageChange(application=application, from_stage=previous, to_stage=Stage(stage),
                                           changed_at=at + timedelta(days=3), reason="again"))
            previous = Stage(stage)
            at += timedelta(days=rng.randint(0, 20), seconds=rng.randint(-40000, 40000))
    db.session.commit()
    return jobs


@pytest.mark.parametrize("seed", range(2))
def test_funnel_and_fairness_equals_the_reference(app, seed):
    from hiring.analytics.service import funnel_and_fairness

    jobs = _random_funnel(random.Random(seed))
    same(funnel_and_fairness(db.session), ref_funnel_and_fairness(db.session))
    for job in jobs:
        same(funnel_and_fairness(db.session, job.id), ref_funnel_and_fairness(db.session, job.id))
    same(funnel_and_fairness(db.session, -1), ref_funnel_and_fairness(db.session, -1))


def test_chart_curves_are_the_statistics_curves(app):
    from hiring.analytics.service import curves_for_chart, offer_statistics

    rng = random.Random(3)
    now = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    today = now.date()
    for n in range(80):
        application = factories.application(stage=Stage.HIRED)
        application.values_fit = rng.choice([None, 50.0, 65.5, 80.0, 95.0])
        start = today - timedelta(days=rng.randint(-20, 1200))
        ended = rng.random() < 0.4
        hire = factories.hire(application, start=start,
                              end_date=start + timedelta(days=rng.randint(0, 900)) if ended else None,
                              end_reason=rng.choice(list(EndReason)) if ended else None)
        if rng.random() < 0.8:
            decision = rng.choice([None, OfferDecision.TAKEN, OfferDecision.STAYED])
            db.session.add(QuitOffer(hire_id=hire.id, amount_minor=400000, currency="USD",
                                     offered_at=now - timedelta(days=60),
                                     deadline=now + timedelta(days=rng.randint(-30, 30)), decision=decision,
                                     decided_at=now - timedelta(days=50) if decision else None))
    db.session.commit()
    stats = offer_statistics(db.session, today, now)
    same(curves_for_chart(db.session, today, now, "all"), [stats["all_curve"]])
    same(curves_for_chart(db.session, today, now, "band"), stats["band_curves"])
    same(curves_for_chart(db.session, today, now, "cohort"), stats["year_curves"])
    assert stats["band_curves"] and stats["year_curves"]
