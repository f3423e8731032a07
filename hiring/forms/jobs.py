"""The job form: the opening, its two thresholds and its weighted requirements (rows added without JavaScript)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from hiring.bounds import MAX_ID
from hiring.errors import DomainError
from hiring.forms import BoundedIntegerField, options
from hiring.jobs.service import NAME_LENGTH, JobInput, RequirementInput
from hiring.models import JobStatus
from hiring.models.job_questions import HINT_LENGTH, QUESTION_LENGTH
from hiring.models.jobs import PLACE_LENGTH, PUBLIC_DESCRIPTION_LENGTH
from hiring.textinput import without_bidi_controls

MAX_REQUIREMENTS = 50  # a bound on rows a crafted POST can make us build; no real job needs more
THRESHOLD_MESSAGE = _l("Give a threshold between 0 and 100.")
WEIGHT_MESSAGE = _l("Give a weight between 1 and 100.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _readable(form, field):
    """Stop after 'not a number' so that the range check does not say the same thing twice."""
    if field.process_errors:
        raise StopValidation()


def _manager_id(value):
    """The hiring manager's user id; '' or 0 means none. Anything else not a number is refused by the field."""
    if value in (None, "", "0", 0):
        return None
    number = int(value)
    if not 0 < number <= MAX_ID:  # no user has it, and beyond an id column the database driver fails on it
        raise ValueError(value)
    return number


def _anchor(level: int):
    return TextAreaField(_l("What a %(level)d looks like", level=level), filters=[_strip],
                         validators=[Length(max=2000)])


class RequirementForm(Form):
    """One requirement row (no CSRF token of its own: the job form has one). Rules across rows are the service's."""

    id = HiddenField()
    name = StringField(_l("Name"), filters=[without_bidi_controls, _strip], validators=[Length(max=NAME_LENGTH)])
    description = TextAreaField(_l("Description"), filters=[_strip], validators=[Length(max=2000)])
    weight = BoundedIntegerField(_l("Weight"), default=1, invalid_value_message=WEIGHT_MESSAGE,
                          validators=[Optional(), _readable, NumberRange(1, 100, WEIGHT_MESSAGE)],
                          description=_l("How much it counts in the requirements fit, from 1 to 100."))
    must_have = BooleanField(_l("Must have: it must reach the floor on its own"))
    anchor_1 = _anchor(1)
    anchor_2 = _anchor(2)
    anchor_3 = _anchor(3)
    anchor_4 = _anchor(4)
    anchor_5 = _anchor(5)
    questions = TextAreaField(_l("Suggested questions"), filters=[_strip], validators=[Length(max=4000)],
                              description=_l("One per line."))
    remove = BooleanField(_l("Remove this requirement"))

    def is_blank(self) -> bool:
        """A new row left as it came (nothing typed, the default weight) is ignored rather than refused."""
        texts = [self.name.data, self.description.data, self.questions.data,
                 *(getattr(self, f"anchor_{i}").data for i in range(1, 6))]
        weight = (self.weight.raw_data or [""])[0].strip()
        return not self.id.data and not any(texts) and not self.must_have.data and weight in ("", "1")

    def to_input(self, row: int) -> RequirementInput:
        """The row as plain values for the jobs service."""
        raw_id = str(self.id.data or "").strip()
        return RequirementInput(
            row=row, id=int(raw_id) if raw_id.isdigit() else None, name=self.name.data or "",
            description=self.description.data or "", weight=self.weight.data, must_have=bool(self.must_have.data),
            anchors=tuple(getattr(self, f"anchor_{n}").data or "" for n in range(1, 6)),
            questions=self.questions.data or "", remove=bool(self.remove.data))


def _threshold(label):
    return BoundedIntegerField(label, default=60, invalid_value_message=THRESHOLD_MESSAGE, validators=[
        InputRequired(THRESHOLD_MESSAGE), _readable, NumberRange(0, 100, THRESHOLD_MESSAGE)])


class JobForm(FlaskForm):
    """An opening and its requirements; the view sets the hiring manager's choices."""

    title = StringField(_l("Title"), filters=[without_bidi_controls, _strip], validators=[
        DataRequired(_l("Give the job a title.")), Length(max=NAME_LENGTH)])
    description = TextAreaField(_l("Description"), filters=[_strip], validators=[Length(max=8000)])
    requirements_threshold = _threshold(_l("Requirements threshold (0-100)"))
    values_threshold = _threshold(_l("Values threshold (0-100)"))
    # Who may be chosen is a rule of the domain (the service says so next to this field), not only of the list.
    hiring_manager_id = SelectField(_l("Hiring manager"), coerce=_manager_id, validate_choice=False,
                                    invalid_value_message=_l("Choose the hiring manager from the list."))
    status = SelectField(_l("Status"), invalid_choice_message=_l("Choose open or closed."),
                         choices=options([(JobStatus.OPEN.value, _l("Open: takes applications")),
                                          (JobStatus.CLOSED.value, _l("Closed"))]))
    # The careers site (hiring/careers/): public only while published and open.
    published = BooleanField(_l("Published on the careers site"), description=_l(
        "Candidates see the job on the public careers site while it is published and open: its title, public "
        "description, location, team, the requirements' names and descriptions and the company's values. "
        "Never the internal description, the weights, the thresholds or the hiring manager."))
    public_description = TextAreaField(
        _l("Public description"), filters=[_strip],
        validators=[Length(max=PUBLIC_DESCRIPTION_LENGTH, message=_l(
            "Keep the public description under %(n)d characters.", n=PUBLIC_DESCRIPTION_LENGTH))],
        description=_l("What candidates read about the role: plain text, blank lines between paragraphs."))
    location = StringField(_l("Location"), filters=[without_bidi_controls, _strip], validators=[
        Length(max=PLACE_LENGTH, message=_l("Keep the location under %(n)d characters.", n=PLACE_LENGTH))],
        description=_l("Optional, for example Amsterdam or Remote; candidates can filter by it."))
    team = StringField(_l("Team"), filters=[without_bidi_controls, _strip], validators=[
        Length(max=PLACE_LENGTH, message=_l("Keep the team under %(n)d characters.", n=PLACE_LENGTH))],
        description=_l("Optional; candidates can filter by it."))
    requirements = FieldList(FormField(RequirementForm), min_entries=1, max_entries=MAX_REQUIREMENTS)
    add_requirement = SubmitField(_l("Add a requirement"))
    save = SubmitField(_l("Save the job"))

    def add_row(self) -> bool:
        """One more empty requirement row, unless the job already has as many as it may."""
        if len(self.requirements.entries) >= MAX_REQUIREMENTS:
            return False
        self.requirements.append_entry()
        return True

    def to_input(self) -> JobInput:
        """The form as plain values for the jobs service; blank new rows are left out."""
        rows = [entry.form.to_input(i) for i, entry in enumerate(self.requirements) if not entry.form.is_blank()]
        return JobInput(title=self.title.data or "", description=self.description.data or "",
                        requirements_threshold=self.requirements_threshold.data,
                        values_threshold=self.values_threshold.data, hiring_manager_id=self.hiring_manager_id.data,
                        status=JobStatus(self.status.data), requirements=rows,
                        published=bool(self.published.data), public_description=self.public_description.data or "",
                        location=self.location.data or "", team=self.team.data or "")

    def show_error(self, error: DomainError) -> bool:
        """Put a domain error next to its field, a requirement row's included; False when it names no field here."""
        if not error.field:
            return False
        path = error.field.split("-")
        try:
            if path[0] == "requirements" and len(path) == 3:
                target = self.requirements[int(path[1])].form[path[2]]
            else:
                target = self[error.field]
        except (IndexError, KeyError, ValueError):
            return False
        target.errors = [*target.errors, error.message]
        return True


# --- the job's own questions on the careers site's application form (hiring/jobs/questions.py) ----------------

QUESTION_MESSAGE = _l("Keep the question under %(n)d characters.", n=QUESTION_LENGTH)
HINT_MESSAGE = _l("Keep the hint under %(n)d characters.", n=HINT_LENGTH)


class QuestionForm(FlaskForm):
    """A question's wording (a new one, or one not answered yet); prefixed per question on the job page so that
    each form's fields have ids of their own."""

    text = StringField(_l("Question"), filters=[without_bidi_controls, _strip], validators=[
        DataRequired(_l("Write the question.")), Length(max=QUESTION_LENGTH, message=QUESTION_MESSAGE)])
    hint = StringField(_l("Hint under the question (optional)"), filters=[without_bidi_controls, _strip],
                       validators=[Length(max=HINT_LENGTH, message=HINT_MESSAGE)],
                       description=_l("For example what a good answer covers, or how long it may be."))

    def show_error(self, error: DomainError) -> bool:
        """Put a domain error next to its field; False when it names no field of this form."""
        target = {"text": self.text, "hint": self.hint}.get(error.field or "")
        if target is None:
            return False
        target.errors = [*target.errors, error.message]
        return True


class NewQuestionForm(QuestionForm):
    """Add a question at the end of the job's form."""

    add = SubmitField(_l("Add the question"))


class ChangeQuestionForm(QuestionForm):
    """One asked question: reword it (while nobody has answered it), move it, or remove it."""

    save = SubmitField(_l("Save the wording"))
    up = SubmitField(_l("Move up"))
    down = SubmitField(_l("Move down"))
    remove = SubmitField(_l("Remove"))
