"""The generated company's fixed parts: staff with the demo logins, core values, jobs with their requirements,
the onboarding programme and the history of The Offer's policy. Small tables, built as plain lists."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from hiring.demo.content import CLOSED_JOB, CORE_VALUES, FIRST_NAMES, JOBS, LAST_NAMES
from hiring.demo.programme import DEFAULT_TASKS
from hiring.demo.seed import STAFF
from hiring.models import JobStatus, Role

DAY = 86_400
# The demo logins' leniency in the benchmark's company: its own, fixed, so that tuning the demo's interviewers
# (hiring/demo/seed.py) does not change the generated data, and timings stay comparable from run to run.
LENIENCE = {"sam.okafor@demo.example": 0.6, "ruth.verhoeven@demo.example": -0.5,
            "mehmet.aydin@demo.example": 0.1, "lisa.dewit@demo.example": -0.1}

# More job families than the demo's, so that dozens of jobs differ: (title, description, requirements
# threshold, values threshold, [(name, weight, must have, description, questions)], popularity).
FAMILIES = [(*job, weight) for job, weight in zip(JOBS, (8, 2, 3))] + [
    (*CLOSED_JOB[:4], CLOSED_JOB[4] + [("Written communication", 2, False, "", "")], 4),
    ("Fulfilment associate", "Pick, pack and ship orders safely and on time.", 55, 65,
     [("Safe lifting and equipment", 3, True, "", ""), ("Accuracy under time pressure", 2, True, "", ""),
      ("Teamwork on the floor", 1, False, "", "")], 5),
    ("Merchandising assistant", "Keep the catalogue right: products, prices and stock.", 60, 65,
     [("Product knowledge", 2, True, "", ""), ("Spreadsheets", 2, False, "", ""),
      ("Vendor contact", 1, False, "", ""), ("Attention to detail", 2, True, "", "")], 2),
    ("Data analyst", "Turn orders, calls and surveys into decisions.", 65, 65,
     [("SQL", 3, True, "", ""), ("Statistics", 2, True, "", ""), ("Visualisation", 2, False, "", ""),
      ("Stakeholder communication", 1, False, "", ""), ("Python", 1, False, "", "")], 1),
    ("Recruiter", "Find and welcome the people who will carry the culture.", 60, 70,
     [("Sourcing", 2, True, "", ""), ("Structured interviewing", 3, True, "", ""),
      ("Candidate experience", 2, False, "", "")], 1),
    ("Product photographer", "Photograph every product the way customers want to see it.", 60, 65,
     [("Studio lighting", 3, True, "", ""), ("Retouching", 2, False, "", ""),
      ("Speed and consistency", 2, True, "", ""), ("Working to a style guide", 1, False, "", "")], 1),
    ("Finance analyst", "Budgets, forecasts and the controls that keep them honest.", 65, 65,
     [("Accounting", 3, True, "", ""), ("Forecasting", 2, False, "", ""), ("Excel modelling", 2, True, "", ""),
      ("Controls", 1, False, "", "")], 1),
]
LOCATIONS = ["Las Vegas", "Shepherdsville", "Henderson", "Amsterdam", "Remote"]
# (amount in cents, years after the start of the history it took effect): the amount grew over time.
POLICY_HISTORY = [(200_000, 0.0), (300_000, 1.5), (400_000, 3.0)]


def slug(text: str) -> str:
    """Lower-case ASCII letters and dots, for e-mail addresses."""
    return re.sub(r"[^a-z.]", "", text.lower().replace(" ", ""))


@dataclass
class Staff:
    """User ids by role; interviewers with how lenient each one rates."""

    rows: list[dict] = field(default_factory=list)
    by_role: dict[Role, list[int]] = field(default_factory=dict)
    demo: dict[str, int] = field(default_factory=dict)
    interviewers: np.ndarray = None
    leniency: np.ndarray = None
    workload: np.ndarray = None   # relative share of interviews and mentoring


def staff(rng: np.random.Generator, counts: dict[Role, int], password_hash: str, created_s: int) -> Staff:
    """The demo logins first (admin, hr, recruiter, interviewers), then generated staff up to `counts`."""
    out = Staff()
    lenient = {}
    for role, email, name, _demo_lenience in STAFF:
        out.rows.append({"email": email, "name": name, "role": role})
        lenient[len(out.rows)] = LENIENCE.get(email, 0.0)
    for role in (Role.ADMIN, Role.HR, Role.RECRUITER, Role.INTERVIEWER):
        have = sum(r["role"] is role for r in out.rows)
        for i in range(have, counts[role]):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            out.rows.append({"email": f"{slug(first)}.{slug(last)}.{role.value.replace('_', '')}{i}@staff.example",
                             "name": f"{first} {last}", "role": role})
    for user_id, row in enumerate(out.rows, start=1):
        row.update(id=user_id, password_hash=password_hash, active=True,
                   created_at=np.datetime64(created_s - int(rng.integers(0, 400)) * DAY, "s"))
        out.by_role.setdefault(row["role"], []).append(user_id)
        if row["email"].endswith("@demo.example"):
            out.demo[row["email"]] = user_id
    out.interviewers = np.array(out.by_role[Role.INTERVIEWER])
    out.leniency = np.array([lenient.get(i, rng.normal(0, 0.3)) for i in out.interviewers])
    out.workload = rng.lognormal(0, 0.5, len(out.interviewers))
    out.workload /= out.workload.sum()
    return out


def core_values(created_s: int) -> list[dict]:
    """The ten core values of the seed articles, with their anchors and questions."""
    return [{"id": i, "name": name, "description": description, "questions": questions, "position": i - 1,
             "created_at": np.datetime64(created_s, "s"),
             **{f"anchor_{k + 1}": text for k, text in enumerate(anchors)}}
            for i, (name, description, anchors, questions) in enumerate(CORE_VALUES, start=1)]


@dataclass
class Jobs:
    """Jobs with contiguous requirement ids: job j's requirements are req_first[j] .. + n_req[j] - 1."""

    rows: list[dict]
    requirements: list[dict]
    popularity: np.ndarray
    closed_at: np.ndarray          # seconds; a far future for open jobs
    manager: np.ndarray            # user id of each job's hiring manager
    req_first: np.ndarray
    n_req: np.ndarray
    req_must: np.ndarray           # per requirement id - 1


def jobs(rng: np.random.Generator, n_jobs: int, staff_: Staff, start_s: int, now_s: int) -> Jobs:
    """Dozens of jobs over the families and locations; about a quarter closed some time ago."""
    rows, requirements, popularity, closed_at, first, count = [], [], [], [], [], []
    managers = rng.choice(staff_.interviewers, size=n_jobs, p=staff_.workload)
    for j in range(n_jobs):
        title, description, req_threshold, val_threshold, reqs, weight = FAMILIES[j % len(FAMILIES)]
        location = LOCATIONS[(j // len(FAMILIES)) % len(LOCATIONS)]
        closed = j >= len(FAMILIES) and rng.random() < 0.3 or title == CLOSED_JOB[0]
        closes = int(start_s + rng.uniform(0.4, 0.9) * (now_s - start_s)) if closed else now_s * 2
        rows.append({"id": j + 1, "title": f"{title}, {location}", "description": description,
                     "requirements_threshold": req_threshold, "values_threshold": val_threshold,
                     "hiring_manager_id": int(managers[j]), "status": JobStatus.CLOSED if closed else JobStatus.OPEN,
                     "created_at": np.datetime64(start_s - 30 * DAY, "s")})
        first.append(len(requirements) + 1)
        count.append(len(reqs))
        for position, (name, req_weight, must, text, questions) in enumerate(reqs):
            requirements.append({"id": len(requirements) + 1, "job_id": j + 1, "name": name, "weight": req_weight,
                                 "must_have": must, "description": text, "questions": questions,
                                 "position": position})
        popularity.append(weight * rng.uniform(0.6, 1.4))
        closed_at.append(closes)
    pop = np.array(popularity)
    return Jobs(rows, requirements, pop / pop.sum(), np.array(closed_at, dtype=np.int64), managers,
                np.array(first), np.array(count), np.array([r["must_have"] for r in requirements]))


def programme() -> list[dict]:
    """The default five-week programme."""
    rows, positions = [], {}
    for i, (week, title, description, owner, required, sign_off) in enumerate(DEFAULT_TASKS, start=1):
        position = positions.get(week, 0)
        positions[week] = position + 1
        rows.append({"id": i, "week": week, "position": position, "title": title, "description": description,
                     "owner": owner, "required": required, "sign_off": sign_off})
    return rows


def policies(start_s: int, hr_id: int) -> list[dict]:
    """The Offer's policy as it changed over the years; the newest is in force."""
    return [{"id": i, "amount_minor": amount, "currency": "USD", "timing": "graduation", "after_week": None,
             "decision_days": 7, "updated_by_id": hr_id,
             "updated_at": np.datetime64(start_s + int(years * 365 * DAY) - 60 * DAY, "s")}
            for i, (amount, years) in enumerate(POLICY_HISTORY, start=1)]


def policy_amount(offered_s: np.ndarray, start_s: int) -> np.ndarray:
    """The amount in force at each offer's time."""
    starts = np.array([start_s + int(years * 365 * DAY) - 60 * DAY for _a, years in POLICY_HISTORY])
    amounts = np.array([amount for amount, _y in POLICY_HISTORY])
    return amounts[np.clip(np.searchsorted(starts, offered_s, side="right") - 1, 0, len(amounts) - 1)]
