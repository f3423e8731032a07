"""The audit log a company of this history would have: one event per decision, as the app writes them."""
from __future__ import annotations

import numpy as np

from bench.employment import Employment
from bench.scorecards import KINDS, Interviews


class Events:
    """Events collected kind by kind, then ordered by time for the insert."""

    def __init__(self):
        self.parts: list[tuple] = []

    def add(self, at: np.ndarray, actor, action: str, entity_type: str, entity_id: np.ndarray, details: list[dict]):
        """One kind of event; `actor` is an array (None for the system) or one id for all."""
        n = len(at)
        if not n:
            return
        actors = actor if isinstance(actor, np.ndarray) else np.full(n, actor, dtype=object)
        box = np.empty(n, dtype=object)
        box[:] = details
        self.parts.append((np.asarray(at, dtype=np.int64), actors.astype(object), np.full(n, action, dtype=object),
                           entity_type, np.asarray(entity_id), box))

    def columns(self) -> dict:
        """The audit_events table, oldest first."""
        at = np.concatenate([p[0] for p in self.parts])
        order = np.argsort(at, kind="stable")
        pick = lambda i: np.concatenate([p[i] for p in self.parts])[order]  # noqa: E731
        types = np.concatenate([np.full(len(p[0]), p[3], dtype=object) for p in self.parts])[order]
        return {"id": np.arange(1, len(at) + 1), "occurred_at": at[order].astype("datetime64[s]"), "actor_id": pick(1),
                "action": pick(2), "entity_type": types, "entity_id": pick(4), "details": pick(5)}


def _values(column) -> list:
    return [None if v is None else (v.value if hasattr(v, "value") else v) for v in column.tolist()]


def _times(column: np.ndarray) -> np.ndarray:
    return column.astype("datetime64[s]").astype(np.int64)


def events(changes: dict, iv: Interviews, cards: dict, emp: Employment) -> dict:
    """Stage moves, assignments, scorecards and vetoes, hires, sign-offs, graduations and offers."""
    ev = Events()
    moved = np.flatnonzero(np.array([s is not None for s in changes["from_stage"]]))
    ev.add(_times(changes["changed_at"][moved]), changes["changed_by_id"][moved], "stage_changed", "application",
           changes["application_id"][moved],
           [{"from_stage": a, "to_stage": b, "reason": r} for a, b, r in zip(
               _values(changes["from_stage"][moved]), _values(changes["to_stage"][moved]),
               changes["reason"][moved].tolist())])
    ev.add(iv.assigned, iv.assigned_by, "interviewer_assigned", "application", iv.app + 1,
           [{"interviewer_id": i, "kind": k, "assignment_id": a} for i, k, a in zip(
               iv.interviewer.tolist(), _values(KINDS[iv.kind]), range(1, len(iv.app) + 1))])
    with_card = np.flatnonzero(iv.card >= 0)
    card_app, card_who, card_done = iv.app[with_card] + 1, iv.interviewer[with_card], iv.done[with_card]
    sub = np.flatnonzero(iv.submitted)
    ev.add(card_done[sub], card_who[sub], "scorecard_submitted", "scorecard", sub + 1,
           [{"application_id": a, "recommendation": r} for a, r in zip(card_app[sub].tolist(),
                                                                        _values(iv.recommendation[sub]))])
    veto = np.flatnonzero(iv.veto)
    ev.add(card_done[veto] + 1, card_who[veto], "culture_veto", "scorecard", veto + 1,
           [{"application_id": a, "reason": r} for a, r in zip(card_app[veto].tolist(),
                                                               cards["veto_reason"][veto].tolist())])
    hires = emp.hires
    n = len(emp.app)
    ev.add(emp.hired_s + 1, None, "hired", "application", emp.app + 1,
           [{"hire_id": h, "user_id": u, "start_date": s.isoformat(), "mentor_id": m, "enrollment_id": h}
            for h, u, s, m in zip(range(1, n + 1), emp.user.tolist(), hires["start_date"].tolist(),
                                  emp.mentor.tolist())])
    tasks = emp.tasks
    signed = np.flatnonzero(~np.isnat(tasks["signed_off_at"]))
    ev.add(_times(tasks["signed_off_at"][signed]), tasks["signed_off_by_id"][signed], "task_signed_off",
           "enrollment_task", signed + 1, [{"enrollment_id": e} for e in tasks["enrollment_id"][signed].tolist()])
    grads = np.flatnonzero(emp.graduated_s >= 0)
    per = len(tasks["id"]) // max(n, 1)  # the programme's tasks; the last is graduation, done by HR
    ev.add(emp.graduated_s[grads], tasks["done_by_id"][grads * per + per - 1],
           "graduated", "enrollment", grads + 1,
           [{"hire_id": h, "completed_on": d.isoformat()} for h, d in zip(
               (grads + 1).tolist(), emp.enrollments["completed_on"][grads].tolist())])
    offers = emp.offers
    ev.add(_times(offers["offered_at"]), offers["offered_by_id"], "offer_made", "quit_offer", offers["id"],
           [{"hire_id": h, "amount_minor": a, "currency": "USD", "deadline": d.isoformat() + "+00:00"}
            for h, a, d in zip(offers["hire_id"].tolist(), offers["amount_minor"].tolist(),
                               offers["deadline"].astype("datetime64[s]").tolist())])
    decision = _values(offers["decision"])
    kind = np.array(["expired" if d == "expired" else ("decided" if d else "") for d in decision], dtype=object)
    for label, action in (("decided", "offer_decided"), ("expired", "offer_expired")):
        rows = np.flatnonzero(kind == label)
        hires = offers["hire_id"][rows].tolist()
        details = ([{"hire_id": h, "decision": decision[i],
                     "on_behalf": bool(offers["recorded_by_id"][i] != emp.user[h - 1])}
                    for i, h in zip(rows.tolist(), hires)] if action == "offer_decided"
                   else [{"hire_id": h} for h in hires])
        ev.add(_times(offers["decided_at"][rows]), offers["recorded_by_id"][rows], action, "quit_offer",
               offers["id"][rows], details)
    return ev.columns()
