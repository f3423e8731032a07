"""Forms of interview scheduling: the date, time and place of an assignment, its cancellation, and the reset of
an interviewer's calendar feed address. The rules themselves are hiring/interviews/schedule.py's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from hiring.forms import BoundedIntegerField
from hiring.interviews.schedule import LINK_LENGTH, LOCATION_LENGTH, MAX_MINUTES, MIN_MINUTES
from hiring.textinput import without_bidi_controls


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ScheduleForm(FlaskForm):
    """When and where an interview is; the time is typed in the chosen time zone. The check boxes are ticked
    on the page (the views), not by a default, which a POST without them would take as ticked."""

    day = DateField(_l("Date"), validators=[DataRequired(_l("Enter the date of the interview."))])
    time = TimeField(_l("Start time"), validators=[DataRequired(_l("Enter the time the interview starts, such as "
                                                                    "14:30."))])
    duration_minutes = BoundedIntegerField(
        _l("Duration (minutes)"), default=60,
        validators=[InputRequired(_l("Enter how long the interview takes, in minutes."))],
        description=_l("From %(low)d to %(high)d minutes.", low=MIN_MINUTES, high=MAX_MINUTES))
    time_zone = StringField(_l("Time zone"), filters=[_strip],
                            validators=[DataRequired(_l("Choose a time zone.")), Length(max=64)],
                            description=_l("The date and time above are in this zone (an IANA name such as "
                                           "Europe/Amsterdam); everyone's calendar shows them in their own."))
    location = StringField(_l("Place"), filters=[without_bidi_controls, _strip],
                           validators=[Optional(), Length(max=LOCATION_LENGTH)],
                           description=_l("A room or an address; leave empty for a video call."))
    video_link = StringField(_l("Video link"), filters=[_strip], validators=[Optional(), Length(max=LINK_LENGTH)],
                             description=_l("An https:// address of the video call."))
    send_invitations = BooleanField(_l("Send invitations (e-mail with a calendar file) to the candidate and the "
                                       "interviewer"))


class UnscheduleForm(FlaskForm):
    """Take an interview off the calendar."""

    send_cancellations = BooleanField(_l("Tell the candidate and the interviewer (e-mail with a calendar "
                                         "cancellation)"))


class FeedResetForm(FlaskForm):
    """Make a new calendar feed address (the old one stops working)."""
