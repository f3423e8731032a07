"""Forms of the pipeline: a candidate, a CSV import, a stage move (one or several at once), an interviewer
assignment, a candidate's file."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from hiring.bounds import date_outside, start_date_window, to_int
from hiring.clock import today
from hiring.forms import options
from hiring.labels import KIND_LABELS, STAGE_LABELS
from hiring.models import FileKind, InterviewKind, Stage
from hiring.textinput import without_bidi_controls


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_int(value):
    """Select values arrive as strings; '' and '0' mean nothing chosen."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number or None


def _start_date_window(form, field) -> None:
    """A start date within the window the hire service accepts (the same rule, said next to the field)."""
    if field.data is not None:
        problem = date_outside(field.data, *start_date_window(today()))
        if problem:
            raise ValidationError(problem)


class CandidateForm(FlaskForm):
    """A candidate and the job they apply to."""

    name = StringField(_l("Name"), filters=[without_bidi_controls, _strip],
                       validators=[DataRequired(_l("Enter the candidate's name.")), Length(max=200)])
    email = EmailField(_l("E-mail"), filters=[_strip], validators=[
        DataRequired(_l("Enter the candidate's e-mail address.")),
        Email(_l("That is not an e-mail address."), check_deliverability=False), Length(max=254)])
    phone = StringField(_l("Phone"), filters=[without_bidi_controls, _strip], validators=[Optional(), Length(max=40)])
    source = StringField(_l("Source"), filters=[without_bidi_controls, _strip], validators=[Optional(), Length(max=80)],
                         description=_l("Where the candidate came from, for example a referral or a job site."))
    job_id = SelectField(_l("Job"), coerce=_optional_int,
                         validators=[DataRequired(_l("Choose the job the candidate applies to."))])
    # Opt-in, never ticked in advance: consent must be the candidate's own choice.
    retention_consent = BooleanField(_l("The candidate consents to being kept for future openings"))


class ImportForm(FlaskForm):
    """A CSV file of candidates."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file to import."))],
                     description=_l("Columns: name, email, phone, source, job (the job's title), consent "
                                    "(yes or no). The first row names the columns, in English or in "
                                    "Dutch."))


class CandidateFileForm(FlaskForm):
    """A document of the candidate's: the file, and what it is (kept when the file is refused)."""

    # The hint, with the size limit of the configuration, is set by the view.
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose the file to upload."))])
    kind = SelectField(_l("What it is"), validators=[DataRequired(_l("Say what the document is."))],
                       choices=options([(FileKind.CV.value, _l("CV")),
                                        (FileKind.COVER_LETTER.value, _l("Cover letter")),
                                        (FileKind.OTHER.value, _l("Other"))]))


class MoveForm(FlaskForm):
    """Move an application to another stage; hiring also needs a start date and, ideally, a mentor."""

    expected_stage = HiddenField()
    to_stage = SelectField(_l("Move to"), choices=options((s.value, STAGE_LABELS[s]) for s in Stage),
                           validators=[DataRequired(_l("Choose a stage."))])
    reason = TextAreaField(_l("Reason"), filters=[_strip], validators=[Length(max=2000)],
                           description=_l("Kept in the application's history. Optional for the next step; "
                                          "needed when the candidate withdraws. When rejecting, the coded "
                                          "reason says why and this is an optional note."))
    # Rejected only. Any id may be posted: the domain rule (an active reason) decides and explains.
    rejection_reason_id = SelectField(_l("Rejected because"), coerce=_optional_int, validate_choice=False,
                                      validators=[Optional()],
                                      description=_l("Required when rejecting: the company's coded reasons."))
    notify = BooleanField(_l("E-mail the candidate"),
                          description=_l("Sends the rejection message shown below, in the candidate's language, "
                                         "when the application is rejected. Not ticked: no e-mail."))
    start_date = DateField(_l("Start date (when hiring)"), validators=[Optional(), _start_date_window])
    mentor_id = SelectField(_l("Mentor (when hiring)"), coerce=_optional_int, validators=[Optional()])


class IdListField(Field):
    """Several ids under one name (the ticked checkboxes of a list): `data` holds the ids, `malformed` whatever
    else was posted (not a number, beyond an id column), which the view treats as an unknown id. The list
    renders the checkboxes itself."""

    def process_formdata(self, valuelist):
        self.data = [n for n in (to_int(v, low=1) for v in valuelist) if n is not None]
        self.malformed = len(self.data) != len(valuelist)

    def process_data(self, value):
        self.data, self.malformed = list(value or []), False


class BulkMoveForm(FlaskForm):
    """Move the ticked applications of the list to a stage, or reject them with a coded reason; the button pressed
    says which. Any stage or reason may be posted: the domain rule (hiring/pipeline/bulk.py) decides and
    explains."""

    application_id = IdListField(_l("Select"))
    # "Select all on this page" works without JavaScript: ticked, it stands for every id the page listed.
    all_on_page = BooleanField(_l("Select all on this page"))
    on_page = IdListField()
    to_stage = SelectField(_l("Move to"), validate_choice=False, validators=[Optional()])
    rejection_reason_id = SelectField(_l("Rejected because"), coerce=_optional_int, validate_choice=False,
                                      validators=[Optional()])
    note = TextAreaField(_l("Note (optional)"), filters=[_strip], validators=[Length(max=2000)],
                         description=_l("Kept in each application's history, never sent to the candidates."))
    notify = BooleanField(_l("E-mail the candidates"),
                          description=_l("Sends each candidate the rejection message, in their language. Not "
                                         "ticked: no e-mail."))
    move = SubmitField(_l("Move"))
    reject = SubmitField(_l("Reject"))

    def selected_ids(self) -> list[int]:
        """The ids chosen: every one listed on the page when "select all" is ticked, else the ticked ones."""
        return list(self.on_page.data) if self.all_on_page.data else list(self.application_id.data)

    def malformed(self) -> bool:
        return self.application_id.malformed or (self.all_on_page.data and self.on_page.malformed)


class AssignForm(FlaskForm):
    """Assign an interviewer to an application."""

    interviewer_id = SelectField(_l("Interviewer"), coerce=_optional_int,
                                 validators=[DataRequired(_l("Choose an interviewer."))])
    kind = SelectField(_l("Kind of interview"), choices=options((k.value, KIND_LABELS[k]) for k in InterviewKind),
                       validators=[DataRequired(_l("Choose the kind of interview."))])


class SelfIdentificationForm(FlaskForm):
    """Voluntary questions for the fairness report; every one may be left unanswered."""

    gender = SelectField(_l("Gender"), validators=[Optional()], choices=options([
        ("", _l("I prefer not to say")), ("woman", _l("Woman")), ("man", _l("Man")),
        ("non-binary", _l("Non-binary")), ("another", _l("Another gender"))]))
    age_band = SelectField(_l("Age"), validators=[Optional()], choices=options([
        ("", _l("I prefer not to say")), ("under 25", _l("Under 25")), ("25-39", _l("25 to 39")),
        ("40-54", _l("40 to 54")), ("55 and over", _l("55 and over"))]))
    decline = BooleanField(_l("I prefer not to answer any of these questions"))
