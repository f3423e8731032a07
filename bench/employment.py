"""Hires and what followed: logins, five weeks of onboarding task by task, The Offer, and departures.

A hire starts on a Monday one to three weeks after the decision. Tasks are done in their week (some late)
and signed off a little later; graduation is the last required task. The Offer follows graduation: about
2% take the money, fewer among those with a high values fit. Those who stay leave later at a rate that falls
with their values fit. Nothing happens after now.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.company import DAY, Staff, policy_amount
from bench.funnel import HIRED, Funnel
from hiring.demo.seed import NEW_HIRE_LOGIN
from hiring.models import EndReason, OfferDecision, Role

END_REASONS = np.array([EndReason.RESIGNED, EndReason.DISMISSED, EndReason.OTHER], dtype=object)
SENT_BACK = "Please add the order number and what the customer said; then tick it again."


@dataclass
class Employment:
    """Per hire (ids 1..n in order of start): the application, login, mentor, dates; and the tables' columns."""

    app: np.ndarray
    user: np.ndarray
    mentor: np.ndarray
    hired_s: np.ndarray
    start_day: np.ndarray
    end_day: np.ndarray         # -1 while employed
    graduated_s: np.ndarray     # -1 while not graduated
    users: dict
    hires: dict
    enrollments: dict
    tasks: dict
    offers: dict


def _mondays(day: np.ndarray) -> np.ndarray:
    """The first Monday on or after each day (days since 1970-01-01, a Thursday)."""
    return day + (7 - (day + 3) % 7) % 7


def employment(rng: np.random.Generator, f: Funnel, staff: Staff, programme: list[dict], candidates: dict,
               next_user_id: int, password_hash: str, start_s: int, now_s: int) -> Employment:
    """Everything about the hires, as column dicts ready to insert."""
    today = now_s // DAY
    app = np.flatnonzero(f.hired)
    hired_s = f.times[app, HIRED]
    start_day = _mondays(hired_s // DAY + rng.integers(7, 22, len(app)))
    order = np.lexsort((hired_s, start_day))
    app, hired_s, start_day = app[order], hired_s[order], start_day[order]
    n = len(app)
    if n and not ((start_day <= today - 7) & (start_day > today - 28)).any():
        start_day[-1] = _mondays(np.array([today - 20]))[0]  # at a tiny size, still one new hire in the programme
    fit = f.fit[f.app_candidate[app]]
    mentor = rng.choice(staff.interviewers, n, p=staff.workload)
    user = np.arange(next_user_id, next_user_id + n)
    start_at = start_day * DAY + 8 * 3600

    left_early = (rng.random(n) < 0.015) & (start_day + 27 < today)
    end_s = np.where(left_early, start_at + (rng.uniform(2, 27, n) * DAY).astype(np.int64), -1)

    tasks, graduated_s = _tasks(rng, staff, programme, user, mentor, start_at, np.where(left_early, end_s, now_s))
    offers, end_s, reason = _offers_and_departures(rng, staff, user, fit, graduated_s, end_s, start_s, now_s)
    reason[left_early] = END_REASONS[rng.choice(3, int(left_early.sum()), p=[.6, .3, .1])]
    end_day = np.where(end_s >= 0, np.maximum(end_s // DAY, start_day), -1)

    in_programme = np.flatnonzero((start_day <= today - 7) & (graduated_s < 0) & (end_day < 0))
    demo_interviewer = staff.demo["interviewer@demo.example"]
    mentor[in_programme[rng.random(len(in_programme)) < 0.1]] = demo_interviewer
    emails = np.array(candidates["email"], dtype=object)[f.app_candidate[app]]
    names = np.array(candidates["name"], dtype=object)[f.app_candidate[app]]
    if len(in_programme):
        newest = in_programme[np.argmax(start_day[in_programme])]
        emails[newest], names[newest] = NEW_HIRE_LOGIN
        mentor[newest] = demo_interviewer
    tasks["done_by_id"] = _who_did(tasks, mentor, staff, rng)
    ids = np.arange(1, n + 1)
    return Employment(
        app, user, mentor, hired_s, start_day, end_day, graduated_s,
        users={"id": user, "email": emails, "name": names, "role": Role.NEW_HIRE, "password_hash": password_hash,
               "active": (end_day < 0) | (end_day > today), "created_at": hired_s.astype("datetime64[s]")},
        hires={"id": ids, "application_id": app + 1, "user_id": user, "mentor_id": mentor,
               "start_date": start_day.astype("datetime64[D]"), "end_date": _days(end_day), "end_reason": reason,
               "created_at": hired_s.astype("datetime64[s]")},
        enrollments={"id": ids, "hire_id": ids, "started_on": start_day.astype("datetime64[D]"),
                     "completed_on": _days(np.where(graduated_s >= 0, graduated_s // DAY, -1)),
                     "created_at": hired_s.astype("datetime64[s]")},
        tasks=tasks, offers=offers)


def _days(day: np.ndarray) -> np.ndarray:
    out = day.astype("datetime64[D]")
    out[day < 0] = np.datetime64("NaT")
    return out


def _times(seconds: np.ndarray) -> np.ndarray:
    out = seconds.astype("datetime64[s]")
    out[seconds < 0] = np.datetime64("NaT")
    return out


def _tasks(rng, staff: Staff, programme: list[dict], user, mentor, start_at, cutoff):
    """Each enrolment's own copy of the programme with what was done and signed off by `cutoff`."""
    n, t = len(user), len(programme)
    week = np.array([p["week"] for p in programme])
    required = np.array([p["required"] for p in programme])
    needs_sign = np.array([p["sign_off"].value != "none" for p in programme])
    done = start_at[:, None] + (((week - 1) * 7)[None, :] + rng.uniform(0.2, 6.8, (n, t))) * DAY
    done += (rng.random((n, t)) < 0.06) * rng.uniform(1, 12, (n, t)) * DAY
    done[:, ~required] = np.where(rng.random((n, int((~required).sum()))) < 0.7, done[:, ~required], np.inf)
    signed = np.where(needs_sign[None, :], done + rng.uniform(0.05, 2, (n, t)) * DAY, np.inf)
    final = np.where(needs_sign[None, :], signed, done)
    last = t - 1  # graduation: done once everything else required is
    others = required.copy()
    others[last] = False
    done[:, last] = final[:, others].max(axis=1) + rng.uniform(0.01, 0.5, n) * DAY
    final[:, last] = done[:, last]
    graduation = final[:, required].max(axis=1)
    graduated_s = np.where(graduation <= cutoff, graduation, -1).astype(np.int64)
    is_done = done <= cutoff[:, None]
    is_signed = signed <= cutoff[:, None]
    sent_back = ~is_done & required[None, :] & (done < cutoff[:, None] + 7 * DAY) & (rng.random((n, t)) < 0.03)
    enrol = np.repeat(np.arange(n), t)
    task = np.tile(np.arange(t), n)
    column = {key: np.array([p[key] for p in programme], dtype=object)[task]
              for key in ("week", "position", "title", "description", "owner", "required", "sign_off")}
    hr = np.array(staff.by_role[Role.HR])
    signer = np.where(np.array([p["sign_off"].value == "mentor" for p in programme])[task], mentor[enrol],
                      rng.choice(hr, n * t)).astype(object)
    signer[~is_signed.ravel()] = None
    comments = np.where(sent_back.ravel(), SENT_BACK, None).astype(object)
    return {"id": np.arange(1, n * t + 1), "enrollment_id": enrol + 1, "programme_task_id": task + 1, **column,
            "done_at": _times(np.where(is_done, done, -1).astype(np.int64).ravel()), "note": "",
            "signed_off_at": _times(np.where(is_signed, signed, -1).astype(np.int64).ravel()),
            "signed_off_by_id": signer, "sent_back_comment": comments, "_owner_user": user[enrol]}, graduated_s


def _who_did(tasks: dict, mentor, staff: Staff, rng) -> np.ndarray:
    """The new hire, their mentor or someone from HR, by the task's owner; None where not done."""
    enrol = tasks["enrollment_id"] - 1
    owner = np.array([o.value for o in tasks["owner"]], dtype=object)
    who = np.where(owner == "new_hire", tasks.pop("_owner_user"),
                   np.where(owner == "mentor", mentor[enrol], rng.choice(np.array(staff.by_role[Role.HR]), len(enrol))))
    who = who.astype(object)
    who[np.isnat(tasks["done_at"])] = None
    return who


def _offers_and_departures(rng, staff: Staff, user, fit, graduated_s, end_s, start_s, now_s):
    """The Offer to every graduate (once made), its decision, and the departures of those who stayed."""
    who = np.flatnonzero(graduated_s >= 0)
    offered = graduated_s[who] + (rng.uniform(0.1, 1.5, len(who)) * DAY).astype(np.int64)
    made = offered < now_s
    who, offered = who[made], offered[made]
    deadline = offered + 7 * DAY
    amount = policy_amount(offered, start_s)
    p_take = np.clip(0.02 * np.exp(-0.7 * (fit[who] - fit.mean())), 0.004, 0.08)
    roll = rng.random(len(who))
    decided_at = offered + (rng.uniform(0.05, 0.95, len(who)) * 7 * DAY).astype(np.int64)
    over = deadline <= now_s
    decided = over | ((decided_at <= now_s) & (rng.random(len(who)) < 0.7))
    taken = decided & (roll < p_take)
    expired = over & ~taken & (roll < p_take + 0.015)
    decision = np.where(taken, OfferDecision.TAKEN, np.where(expired, OfferDecision.EXPIRED, OfferDecision.STAYED))
    decision = decision.astype(object)
    decision[~decided] = None
    decided_at = np.where(expired, deadline, np.where(decided, decided_at, -1))
    hr = np.array(staff.by_role[Role.HR])
    recorded = np.where(rng.random(len(who)) < 0.85, user[who], rng.choice(hr, len(who))).astype(object)
    recorded[~decided | expired] = None
    paid = np.where(taken, amount, 0).astype(object)
    paid[~taken] = None
    offers = {"id": np.arange(1, len(who) + 1), "hire_id": who + 1, "amount_minor": amount, "currency": "USD",
              "offered_at": _times(offered), "offered_by_id": rng.choice(hr, len(who)), "deadline": _times(deadline),
              "decision": decision, "decided_at": _times(decided_at), "recorded_by_id": recorded, "paid_minor": paid}

    end_s = end_s.copy()
    reason = np.full(len(user), None, dtype=object)
    end_s[who[taken]] = decided_at[taken]
    reason[who[taken]] = EndReason.OFFER_ACCEPTED
    stayers = np.flatnonzero(graduated_s >= 0)
    stayers = stayers[end_s[stayers] < 0]
    hazard = 0.13 * np.exp(-0.5 * (fit[stayers] - fit.mean()))  # per year
    years = (-np.log(rng.random(len(stayers))) / hazard) ** (1 / 0.8)
    floor = graduated_s[stayers] + 10 * DAY  # after the offer's deadline
    leaves = np.maximum(graduated_s[stayers] + (years * 365 * DAY).astype(np.int64), floor)
    gone = leaves <= now_s
    end_s[stayers[gone]] = leaves[gone]
    reason[stayers[gone]] = END_REASONS[rng.choice(3, int(gone.sum()), p=[.7, .15, .15])]
    return offers, end_s, reason
