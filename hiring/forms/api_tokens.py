"""The form that makes a personal access token: its name, what it may do, and when it expires."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length

from hiring.forms import options
from hiring.textinput import without_bidi_controls

EXPIRY_DAYS = (("30", _l("In 30 days")), ("90", _l("In 90 days")), ("365", _l("In a year")),
               ("never", _l("Never (revoke it when it is no longer needed)")))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), filters=[without_bidi_controls, _strip],
                       validators=[DataRequired(_l("Give the token a name, so that you know later what it is for.")),
                                   Length(max=100, message=_l("Keep the name to 100 characters."))],
                       description=_l("What it is for, for example “Payroll sync”."))
    scopes = SelectMultipleField(_l("What the token may do"), widget=widgets.ListWidget(prefix_label=False),
                                 option_widget=widgets.CheckboxInput(),
                                 validators=[DataRequired(_l("Choose at least one thing the token may do."))],
                                 description=_l("Never more than your own account may: a scope opens only what "
                                                "your role may see on the pages."))
    expires = SelectField(_l("Expires"), choices=options(EXPIRY_DAYS), default="90")
