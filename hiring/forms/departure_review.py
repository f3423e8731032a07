"""The departure review form: what happened, what we could learn, and per core value a verdict (shown, not
shown, cannot say) with a short note (verdict_v<id>, note_v<id>)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from hiring.forms import options
from hiring.models import CoreValue, DepartureReview, Verdict
from hiring.models.departure_reviews import NOTE_MAX, TEXT_MAX
from hiring.offer.departure_review import Answer, Typed

VERDICT_CHOICES = (
    (Verdict.SHOWN.value, _l("Shown: in hindsight they showed this value at work")),
    (Verdict.NOT_SHOWN.value, _l("Not shown: they did not; the interviews' rating of it did not hold")),
    (Verdict.UNKNOWN.value, _l("Cannot say: we did not see enough to tell")),
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DepartureFormBase(FlaskForm):
    """The texts and the buttons; the per-value fields are added by review_form()."""

    what_happened = TextAreaField(
        _l("What happened"), filters=[_strip], validators=[Length(max=TEXT_MAX)],
        description=_l("The facts of the departure as far as they are known, in a few sentences."))
    what_we_learn = TextAreaField(
        _l("What we could learn"), filters=[_strip], validators=[Length(max=TEXT_MAX)],
        description=_l("What could the interviews, the onboarding or the job description have shown us sooner? "
                       "Optional."))
    save_draft = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit the review"))
    page_order: list[str] = []

    def errors_in_page_order(self) -> list[tuple[str, str]]:
        """(field name, message) for the error summary, in the order the fields stand on the page."""
        place = {name: n for n, name in enumerate(self.page_order)}
        names = sorted(self.errors, key=lambda name: place.get(name, len(place)))
        return [(name, message) for name in names for message in self.errors[name]]


def review_form(values: list[CoreValue], **kwargs) -> DepartureFormBase:
    """A form with a verdict and a note per core value."""
    attrs = {}
    for value in values:
        attrs[f"verdict_v{value.id}"] = RadioField(_l("In hindsight"), choices=options(VERDICT_CHOICES),
                                                   validators=[Optional()])
        attrs[f"note_v{value.id}"] = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=NOTE_MAX)],
                                                   description=_l("Optional: what you saw, in a sentence."))
    form = type("DepartureReviewForm", (DepartureFormBase,), attrs)(**kwargs)
    form.core_values = values
    form.page_order = ["what_happened", "what_we_learn",
                       *(f"{kind}_v{value.id}" for value in values for kind in ("verdict", "note"))]
    return form


def initial_data(review: DepartureReview | None) -> dict:
    """Form data from a saved draft, so that it comes back exactly as it was left."""
    if review is None:
        return {}
    data = {"what_happened": review.what_happened, "what_we_learn": review.what_we_learn}
    for row in review.values:
        data[f"verdict_v{row.core_value_id}"] = row.verdict.value if row.verdict is not None else None
        data[f"note_v{row.core_value_id}"] = row.note
    return data


def unknown_values(posted, values: list[CoreValue]) -> bool:
    """Whether the post names core values that are not on this review (a stale or crafted form)."""
    known = {f"v{value.id}" for value in values}
    for name in posted:
        for prefix in ("verdict_", "note_"):
            if name.startswith(prefix) and name.removeprefix(prefix) not in known:
                return True
    return False


def to_typed(form: DepartureFormBase) -> Typed:
    """What was typed, as plain values for the service (the form has validated the choices)."""
    answers = {}
    for value in form.core_values:
        verdict = form[f"verdict_v{value.id}"].data
        answers[value.id] = Answer(Verdict(verdict) if verdict else None, form[f"note_v{value.id}"].data or "")
    return Typed(form.what_happened.data or "", form.what_we_learn.data or "", answers)
