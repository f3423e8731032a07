"""Forms of The Offer: the policy, the decision, and an admin's correction."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hiring.forms import BoundedIntegerField, options
from hiring.models import WEEKS, OfferDecision, OfferTiming


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PolicyForm(FlaskForm):
    """Amount, currency, when the offer is made and how long the new hire has to decide."""

    amount = StringField(_l("Amount"), filters=[_strip],
                         validators=[DataRequired(_l("Give the amount.")), Length(max=20)],
                         description=_l("In the currency's main unit, for example 4000 or 4000.00."))
    currency = StringField(_l("Currency"), filters=[_strip],
                           validators=[DataRequired(_l("Give the currency.")), Length(max=3)],
                           description=_l("Three-letter ISO code, for example USD or EUR."))
    timing = SelectField(_l("When the offer is made"), choices=options([
        (OfferTiming.GRADUATION.value, _l("At graduation from the five-week programme")),
        (OfferTiming.AFTER_WEEK.value, _l("After a given week of the programme")),
    ]))
    after_week = BoundedIntegerField(_l("After week"), validators=[Optional(), NumberRange(1, WEEKS)],
                                     description=_l("Only when the offer is made after a given week."))
    decision_days = BoundedIntegerField(_l("Days to decide"), validators=[
        InputRequired(_l("Give the number of days.")),
        NumberRange(1, 90, _l("Give the new hire between 1 and 90 days to decide."))])


class DecideForm(FlaskForm):
    """The confirmed choice: take the money and leave, or stay."""

    choice = HiddenField(validators=[DataRequired()])


class CorrectForm(FlaskForm):
    """An admin's correction of a recorded decision."""

    decision = SelectField(_l("Correct decision"), choices=options([
        (OfferDecision.STAYED.value, _l("Stayed")),
        (OfferDecision.TAKEN.value, _l("Took the money and left")),
        (OfferDecision.EXPIRED.value, _l("Expired (counts as staying)")),
    ]))
    reason = TextAreaField(_l("Reason for the correction"), filters=[_strip],
                           validators=[DataRequired(_l("Give the reason for the correction.")), Length(max=2000)])
