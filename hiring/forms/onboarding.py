"""Forms of the onboarding programme: ticking, sending back, reopening, and the programme's tasks."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from hiring.forms import BoundedIntegerField, options
from hiring.models import WEEKS, SignOff, TaskOwner


def _strip(value):
    return value.strip() if isinstance(value, str) else value


OWNER_LABELS = {TaskOwner.NEW_HIRE: _l("The new hire"), TaskOwner.MENTOR: _l("The mentor"), TaskOwner.HR: _l("HR")}
SIGN_OFF_LABELS = {SignOff.NONE: _l("No sign-off"), SignOff.MENTOR: _l("The mentor"), SignOff.HR: _l("HR")}


class TickForm(FlaskForm):
    """Tick a task, with an optional note."""

    note = TextAreaField(_l("Note (optional)"), filters=[_strip], validators=[Length(max=2000)])


class SendBackForm(FlaskForm):
    """Send a task back with a comment."""

    comment = TextAreaField(_l("What is missing"), filters=[_strip],
                            validators=[DataRequired(_l("Say what is missing, so that the task can be done again.")),
                                        Length(max=2000)])


class ReopenForm(FlaskForm):
    """HR reopens a signed-off task."""

    reason = TextAreaField(_l("Reason for reopening"), filters=[_strip],
                           validators=[DataRequired(_l("Give the reason for reopening the task.")),
                                       Length(max=2000)])


class ProgrammeTaskForm(FlaskForm):
    """A task of the programme."""

    week = BoundedIntegerField(_l("Week"), validators=[
        InputRequired(_l("Give the week, from 1 to 5.")),
        NumberRange(1, WEEKS, _l("Choose a week from 1 to %(weeks)d.", weeks=WEEKS))])
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[DataRequired(_l("Give the task a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), filters=[_strip], validators=[Length(max=4000)])
    owner = SelectField(_l("Who does it"), choices=options((o.value, OWNER_LABELS[o]) for o in TaskOwner))
    required = BooleanField(_l("Required for graduation"), default=True)
    sign_off = SelectField(_l("Signed off by"), choices=options((s.value, SIGN_OFF_LABELS[s]) for s in SignOff))


def _mentor_id(value) -> int:
    """The posted choice as an id: empty or 0 is "no mentor"; anything else that is not a number becomes -1, which
    names nobody, so that the service refuses it beside the field instead of reading it as "no mentor"."""
    text = "" if value is None else str(value).strip()
    if text in ("", "0"):
        return 0
    return int(text) if text.isdigit() else -1


class MentorForm(FlaskForm):
    """HR chooses or changes a new hire's mentor (hiring may leave it open). Any id may be posted: the domain
    rule (an active staff member, not the new hire) decides and explains."""

    mentor_id = SelectField(_l("Mentor"), coerce=lambda v: _mentor_id(v), validate_choice=False)
