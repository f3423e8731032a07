"""The figures behind the reports (scope reports:read; HR and admins): the hiring funnel with adverse impact at
each step and at the gate, the offer and retention statistics, and whether the interview predicts. Served from
the same snapshots as the pages (hiring/snapshots.py): 202 with Retry-After while a first computation runs."""
from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime
from enum import Enum

from flask import jsonify
from flask_smorest import Blueprint

from hiring import snapshots
from hiring.api import API_PREFIX
from hiring.api.auth import requires
from hiring.onboarding.service import STAFF

blp = Blueprint("api_reports", __name__, url_prefix=f"{API_PREFIX}/reports",
                description="The figures behind the reports")


def plain(value):
    """A figure as JSON: dataclasses as objects, enums as codes, dates as ISO, NaN and infinities as null;
    arrays (the curves' points) as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(plain(k)) if not isinstance(k, str) else k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        return plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _figures(cached):
    if not cached.ready:
        response = jsonify({"status": "computing"})
        response.status_code = 202
        response.headers["Retry-After"] = str(snapshots.PENDING_RELOAD_SECONDS)
        return response
    return jsonify({"computed_at": cached.computed_at.isoformat() if cached.computed_at else None,
                    "fresh": cached.fresh, "figures": plain(cached.value)})


RESPONSES = {200: {"description": "The figures, as of `computed_at`"},
             202: {"description": "Being computed for the first time; ask again after Retry-After seconds"}}


@blp.route("/fairness")
@blp.doc(responses=RESPONSES)
@requires("reports:read", *STAFF)
def fairness(user):
    """The hiring funnel and adverse impact by self-identified group, all jobs."""
    from hiring.analytics import figures

    return _figures(figures.fairness())


@blp.route("/offer-statistics")
@blp.doc(responses=RESPONSES)
@requires("reports:read", *STAFF)
def offer_statistics(user):
    """The Offer's take rates and the retention figures."""
    from hiring.analytics import figures

    return _figures(figures.offer_statistics())


@blp.route("/prediction")
@blp.doc(responses=RESPONSES)
@requires("reports:read", *STAFF)
def prediction(user):
    """Does our interview predict: every item against the week-5 review and staying a year."""
    from hiring.analytics import figures

    return _figures(figures.prediction())
