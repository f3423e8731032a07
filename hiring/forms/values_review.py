"""The week-5 values review form: per core value a 1-5 choice (or "no evidence") and the evidence, named as on
the scorecard (rating_v<id>, evidence_v<id>), so that the scorecard's choices, checks and markup are reused."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from hiring.forms import options
from hiring.forms.interview import NO_EVIDENCE, RATING_CHOICES, TEXT_MAX, _strip, item_answers, unknown_items
from hiring.interviews.items import Answer, Item
from hiring.models import ValuesReview

__all__ = ["initial_data", "review_form", "to_answers", "unknown_items"]


class ReviewFormBase(FlaskForm):
    """The buttons; the item fields are added by review_form()."""

    save_draft = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit the review"))
    page_order: list[str] = []

    def errors_in_page_order(self) -> list[tuple[str, str]]:
        """(field name, message) for the error summary, in the order the fields stand on the page."""
        place = {name: n for n, name in enumerate(self.page_order)}
        names = sorted(self.errors, key=lambda name: place.get(name, len(place)))
        return [(name, message) for name in names for message in self.errors[name]]


def review_form(items: list[Item], self_assessment: bool, **kwargs) -> ReviewFormBase:
    """A form with a rating and an evidence field per core value."""
    hint = (_l("What you did in these five weeks that shows it.") if self_assessment
            else _l("What you saw the new hire say or do in these five weeks that supports the rating."))
    attrs = {}
    for item in items:
        attrs[f"rating_{item.key}"] = RadioField(_l("Rating"), choices=options(RATING_CHOICES),
                                                 validators=[Optional()])
        attrs[f"evidence_{item.key}"] = TextAreaField(_l("Evidence"), filters=[_strip],
                                                      validators=[Length(max=TEXT_MAX)], description=hint)
    form = type("ValuesReviewForm", (ReviewFormBase,), attrs)(**kwargs)
    form.items = items
    form.page_order = [f"{kind}_{item.key}" for item in items for kind in ("rating", "evidence")]
    return form


def initial_data(review: ValuesReview | None) -> dict:
    """Form data from a saved draft, so that it comes back exactly as it was left."""
    data = {}
    for r in review.ratings if review is not None else []:
        data[f"rating_v{r.core_value_id}"] = NO_EVIDENCE if r.no_evidence else (str(r.score) if r.score else None)
        data[f"evidence_v{r.core_value_id}"] = r.evidence
    return data


def to_answers(form: ReviewFormBase) -> dict[str, Answer]:
    """What was typed, as plain values for the service (the form has validated the choices)."""
    return item_answers(form)
