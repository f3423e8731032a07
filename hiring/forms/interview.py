"""The scorecard form, built from the items an interview rates: the job's requirements, the core values, or both.

Each item gets a 1-5 choice (or "no evidence") and an evidence box, named by the item's kind and id, so that a
POST naming an item that is not on this scorecard is recognised and refused.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from hiring.forms import options
from hiring.interviews.items import Answer, Item, ScorecardInput
from hiring.labels import RECOMMENDATION_LABELS
from hiring.models import Recommendation, Scorecard

__all__ = ["Item", "NO_EVIDENCE", "initial_data", "scorecard_form", "to_input", "unknown_items"]

NO_EVIDENCE = "none"
RATING_CHOICES = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5"), (NO_EVIDENCE, _l("No evidence"))]
ITEM_FIELD = re.compile(r"^(rating|evidence)_([rv])(\d+)$")
TEXT_MAX = 5000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ScorecardFormBase(FlaskForm):
    """The fields every scorecard has; item fields are added by scorecard_form()."""

    # The scorecard's version when the page was opened: a save from a stale tab is refused, not applied.
    version = HiddenField()
    key_takeaways = TextAreaField(_l("Key takeaways"), filters=[_strip], validators=[Length(max=TEXT_MAX)])
    recommendation = RadioField(_l("Overall recommendation"), validators=[Optional()],
                                choices=options((r.value, RECOMMENDATION_LABELS[r]) for r in Recommendation))
    save_draft = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit scorecard"))
    page_order: list[str] = []

    def errors_in_page_order(self) -> list[tuple[str, str]]:
        """(field name, message) for the error summary, in the order the fields stand on the page: the items
        first, then the takeaways, the recommendation, the veto and the amendment's reason. WTForms keeps its
        fields in the order they were declared, which puts the items (made per scorecard) last."""
        place = {name: n for n, name in enumerate(self.page_order)}
        names = sorted(self.errors, key=lambda name: place.get(name, len(place)))
        return [(name, message) for name in names for message in self.errors[name]]


class VetoFields:
    """A values interview may raise a culture veto, with its reason."""

    culture_veto = BooleanField(_l("Raise a culture veto: this candidate must not be hired, whatever the scores"))
    veto_reason = TextAreaField(_l("Reason for the veto"), filters=[_strip], validators=[Length(max=TEXT_MAX)],
                                description=_l("Required with a veto: what the candidate said or did."))


class AmendFields:
    """An amendment of a submitted scorecard says why."""

    amend_reason = TextAreaField(_l("Reason for the amendment"), filters=[_strip],
                                 validators=[Length(max=TEXT_MAX)],
                                 description=_l("Kept with the earlier version, for whoever reads the history."))
    submit = SubmitField(_l("Save the amendment"))


def scorecard_form(items: list[Item], with_veto: bool, amend: bool = False, **kwargs) -> ScorecardFormBase:
    """A form with a rating and an evidence field per item (plus the veto, or the amendment's reason)."""
    attrs = {}
    for item in items:
        attrs[f"rating_{item.key}"] = RadioField(
            _l("Rating"), choices=options(RATING_CHOICES), validators=[Optional()])
        attrs[f"evidence_{item.key}"] = TextAreaField(
            _l("Evidence"), filters=[_strip], validators=[Length(max=TEXT_MAX)],
            description=_l("What the candidate said or did that supports the rating."))
    bases = (AmendFields,) if amend else ()
    bases += (ScorecardFormBase, VetoFields) if with_veto else (ScorecardFormBase,)
    cls = type("ScorecardForm", bases, attrs)
    form = cls(**kwargs)
    form.items, form.with_veto, form.amend = items, with_veto, amend
    form.page_order = ([f"{kind}_{item.key}" for item in items for kind in ("rating", "evidence")]
                       + ["key_takeaways", "recommendation", "culture_veto", "veto_reason", "amend_reason"])
    return form


def initial_data(scorecard: Scorecard | None) -> dict:
    """Form data from a saved scorecard, so that a draft comes back exactly as it was left."""
    if scorecard is None:
        return {}
    data = {"version": str(scorecard.version), "key_takeaways": scorecard.key_takeaways,
            "recommendation": scorecard.recommendation.value if scorecard.recommendation else None,
            "culture_veto": scorecard.culture_veto, "veto_reason": scorecard.veto_reason or ""}
    for r in scorecard.ratings:
        key = f"r{r.requirement_id}" if r.requirement_id else f"v{r.core_value_id}"
        data[f"rating_{key}"] = NO_EVIDENCE if r.no_evidence else (str(r.score) if r.score else None)
        data[f"evidence_{key}"] = r.evidence
    return data


def item_answers(form) -> dict[str, Answer]:
    """Each item's rating and evidence as typed (the scorecard's and the week-5 review's), for the services."""
    answers = {}
    for item in form.items:
        choice = form[f"rating_{item.key}"].data
        answers[item.key] = Answer(score=int(choice) if choice and choice.isdigit() else None,
                                   no_evidence=choice == NO_EVIDENCE,
                                   evidence=form[f"evidence_{item.key}"].data or "")
    return answers


def to_input(form: ScorecardFormBase) -> ScorecardInput:
    """What the interviewer typed, as plain values for the service (the form has validated the choices)."""
    answers = item_answers(form)
    recommendation = form.recommendation.data
    return ScorecardInput(
        answers=answers, key_takeaways=form.key_takeaways.data or "",
        recommendation=Recommendation(recommendation) if recommendation in Recommendation._value2member_map_ else None,
        culture_veto=bool(form.with_veto and form.culture_veto.data),
        veto_reason=(form.veto_reason.data or "") if form.with_veto else "")


def unknown_items(formdata, items: list[Item]) -> list[str]:
    """Item fields in a POST that are not on this scorecard: a tampered or stale form."""
    keys = {item.key for item in items}
    return [name for name in formdata if (m := ITEM_FIELD.match(name)) and m.group(2) + m.group(3) not in keys]
