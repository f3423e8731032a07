"""The notification preferences form: which reminders, and delivered at once or in a daily digest."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from hiring.forms import options
from hiring.models.notifications import DIGEST, IMMEDIATE


class NotificationsForm(FlaskForm):
    """A checkbox per reminder the user may switch off (checked: on), and how they arrive. Values outside the
    choices are refused next to the field (WTForms' choice check), never saved."""

    kinds = SelectMultipleField(_l("Remind me of"), widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    delivery = RadioField(
        _l("How reminders reach you"), validators=[InputRequired(_l("Choose how reminders reach you."))],
        choices=options([(IMMEDIATE, _l("By e-mail, each one as soon as it is due")),
                         (DIGEST, _l("In one e-mail a day: a daily digest of everything due"))]))

    def __init__(self, *args, kind_choices: list[tuple[str, object]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds.choices = options(kind_choices)
