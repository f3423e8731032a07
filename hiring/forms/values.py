"""The core value form: a name, a description, what each rating 1-5 looks like, and questions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from hiring.textinput import without_bidi_controls


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _anchor(level: int, hint):
    return TextAreaField(_l("Rating %(level)d", level=level), filters=[_strip], description=hint, validators=[
        DataRequired(_l("Describe what a %(level)d looks like.", level=level)), Length(max=2000)])


class CoreValueForm(FlaskForm):
    """A core value with its behavioural anchors."""

    name = StringField(_l("Name"), filters=[without_bidi_controls, _strip],
                       validators=[DataRequired(_l("Give the value a name.")), Length(max=120)])
    description = TextAreaField(_l("Short description"), filters=[_strip], validators=[Length(max=2000)])
    anchor_1 = _anchor(1, _l("What a 1 looks like: the behaviour furthest from the value."))
    anchor_2 = _anchor(2, None)
    anchor_3 = _anchor(3, _l("What a 3 looks like: meets the bar."))
    anchor_4 = _anchor(4, None)
    anchor_5 = _anchor(5, _l("What a 5 looks like: lives the value and lifts others."))
    questions = TextAreaField(_l("Suggested interview questions"), filters=[_strip],
                              validators=[Length(max=4000)], description=_l("One question per line."))
