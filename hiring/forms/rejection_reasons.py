"""The rejection reason form: a short code, the label for staff (English and Dutch) and, optionally, what the
candidate may read about it in each language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from hiring.models.rejection_reasons import CANDIDATE_TEXT_LENGTH, CODE_LENGTH, LABEL_LENGTH
from hiring.textinput import without_bidi_controls


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RejectionReasonForm(FlaskForm):
    """One coded reason; the service checks the code's form and that it is unique."""

    code = StringField(_l("Code"), filters=[without_bidi_controls, _strip],
                       validators=[DataRequired(_l("Give the reason a short code, such as no_permit.")),
                                   Length(max=CODE_LENGTH)],
                       description=_l("Short and stable: reports and the audit log name the reason by it. "
                                      "Lowercase letters, digits, - and _."))
    label = StringField(_l("Label"), filters=[without_bidi_controls, _strip],
                        validators=[DataRequired(_l("Give the reason a label.")), Length(max=LABEL_LENGTH)],
                        description=_l("What recruiters choose from, in English."))
    label_nl = StringField(_l("Label in Dutch"), filters=[without_bidi_controls, _strip],
                           validators=[Length(max=LABEL_LENGTH)],
                           description=_l("Shown to staff who use the app in Dutch; empty: the English label."))
    candidate_text = TextAreaField(_l("What the candidate may read (English)"),
                                   filters=[without_bidi_controls, _strip],
                                   validators=[Length(max=CANDIDATE_TEXT_LENGTH)],
                                   description=_l("Put into the rejection message of a candidate who writes in "
                                                  "English. Empty: the reason is not told."))
    candidate_text_nl = TextAreaField(_l("What the candidate may read (Dutch)"),
                                      filters=[without_bidi_controls, _strip],
                                      validators=[Length(max=CANDIDATE_TEXT_LENGTH)],
                                      description=_l("The same for a candidate who writes in Dutch. Empty: the "
                                                     "reason is not told."))
