"""The careers site's application form: what a candidate types, with the two hidden fields that catch bots.

The CV's type and size are checked by its content in the service (hiring/attachments.py through
pipeline/files_service.py), not here: WTForms would only see the name the browser sent.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from hiring.textinput import without_bidi_controls

COVER_LETTER_MAX = 5000  # characters: about two pages, more than a cover letter needs


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ApplyForm(FlaskForm):
    """An application to one job: the person, the CV, an optional letter and consent to the privacy notice."""

    name = StringField(_l("Your name"), filters=[without_bidi_controls, _strip],
                       validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    email = EmailField(_l("E-mail"), filters=[_strip], validators=[
        DataRequired(_l("Enter your e-mail address.")),
        Email(_l("That is not an e-mail address. Check it, for example name@example.com."),
              check_deliverability=False), Length(max=254)])
    phone = StringField(_l("Phone (optional)"), filters=[without_bidi_controls, _strip],
                        validators=[Optional(), Length(max=40)])
    cv = FileField(_l("CV"), validators=[FileRequired(_l("Choose your CV: a PDF, Word (DOCX) or OpenDocument "
                                                         "(ODT) file."))])
    cover_letter = TextAreaField(_l("Cover letter (optional)"), filters=[without_bidi_controls, _strip],
                                 validators=[Optional(), Length(max=COVER_LETTER_MAX, message=_l(
                                     "The cover letter is longer than %(max)d characters. Shorten it."))])
    consent = BooleanField(_l("I have read the privacy notice and agree that my application is kept as it "
                              "describes"),
                           validators=[DataRequired(_l("Tick the box to agree to the privacy notice: we cannot "
                                                       "keep your application without it."))])
    # For bots only: hidden by careers.css, skipped by screen readers (aria-hidden) and the keyboard
    # (tabindex -1). A person never fills it; a form-filling bot does, and gets the confirmation for nothing.
    website = StringField(_l("Leave this field empty"))
    # When the form was shown, signed (hiring/careers/applying.py): too fast to be typed, or too old.
    started = HiddenField()
