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

from hiring.models.job_questions import ANSWER_LENGTH
from hiring.textinput import without_bidi_controls

COVER_LETTER_MAX = 5000  # characters: about two pages, more than a cover letter needs


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _newlines(value):
    """A browser sends a text area's line breaks as CRLF but counts them as one character in `maxlength`: so
    do we, so that what fitted in the box fits the limit."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


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


class QuestionsForm:
    """What a job's own questions add to the form: the answer fields, in the order the job asks them."""

    question_ids: tuple[int, ...] = ()

    @property
    def answer_fields(self) -> list:
        """The answer fields in order, for the template."""
        return [self[f"answer_{qid}"] for qid in self.question_ids]

    def answers(self) -> dict[int, str]:
        """Each question's answer as typed (stripped; empty when left blank)."""
        return {qid: self[f"answer_{qid}"].data or "" for qid in self.question_ids}


def apply_form_for(questions) -> type[ApplyForm]:
    """The application form with one optional text area per question the job asks (named answer_<id>, labelled
    with the question, its hint below): only these are read, so an answer posted for any other question is
    ignored."""
    fields = {f"answer_{q.id}": TextAreaField(
        q.text, description=q.hint or "", filters=[without_bidi_controls, _newlines, _strip],
        validators=[Optional(), Length(max=ANSWER_LENGTH, message=_l(
            "Your answer is longer than %(max)d characters. Shorten it."))]) for q in questions}
    return type("ApplyFormWithQuestions", (QuestionsForm, ApplyForm),
                {**fields, "question_ids": tuple(q.id for q in questions)})
