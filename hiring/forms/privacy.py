"""Forms of the candidates' privacy: consent on the candidate page, erasure on request."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ConsentForm(FlaskForm):
    """Whether the candidate agreed to be kept for future openings."""

    retention_consent = BooleanField(_l("Keep for future openings (the candidate consented)"))


class EraseForm(FlaskForm):
    """Erase a candidate on their request: why, and a confirmation that it cannot be undone."""

    reason = TextAreaField(
        _l("Reason"), filters=[_strip],
        validators=[DataRequired(_l("Give the reason for the erasure, for example how and when the candidate "
                                    "asked.")), Length(max=2000)],
        description=_l("How and when the candidate asked: your confirmation that they did. It is not kept; "
                       "like everything else about them, it is erased."))
    confirm = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm that the data should be erased now."))])
