"""The webhook subscription form: the address, the events as checkboxes, active, and private addresses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from hiring.forms import options
from hiring.models.webhooks import URL_MAX
from hiring.textinput import without_bidi_controls


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SubscriptionForm(FlaskForm):
    """One subscription; the service checks the address and the events (hiring/webhooks/subscriptions.py)."""

    url = StringField(_l("Address"), filters=[without_bidi_controls, _strip],
                      validators=[DataRequired(_l("Enter the address that receives the events.")),
                                  Length(max=URL_MAX)],
                      description=_l("Where events are POSTed, such as https://hr.example.com/hooks/hiring."))
    events = SelectMultipleField(_l("Events"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                 validators=[DataRequired(_l("Choose at least one event."))])
    active = BooleanField(_l("Active: send events to this address"), default=True)
    allow_private = BooleanField(
        _l("Allow private addresses"),
        description=_l("Only for a receiver on your own network. Events may then go to loopback and private "
                       "addresses (127.0.0.1, 10.0.0.0/8, 192.168.0.0/16, ...), which also lets a mistyped or "
                       "hijacked address reach systems that the internet cannot."))

    def __init__(self, *args, event_choices: list[tuple[str, object]], **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = options(event_choices)
