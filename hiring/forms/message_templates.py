"""The form of a message's wording: a subject and a plain-text body with {{ placeholders }} (checked by
hiring/mail/messages.check, whose errors the view puts beside these fields)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

from hiring.textinput import without_bidi_controls


def _one_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _newlines(value):
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class MessageTemplateForm(FlaskForm):
    """One kind of message in one language, as the company words it."""

    subject = StringField(_l("Subject"), filters=[without_bidi_controls, _one_line])
    body = TextAreaField(_l("Text"), filters=[without_bidi_controls, _newlines],
                         description=_l("Plain text. A blank line starts a new paragraph; web addresses become "
                                        "links. Use the placeholders below between {{ and }}."))
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))
