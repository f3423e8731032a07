"""Team accounts: the invitation and role forms (admins), and "Forgot your password?" (anyone)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from hiring.forms import options
from hiring.textinput import without_bidi_controls


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _role_choices():
    from hiring.auth.accounts import STAFF_ROLES
    from hiring.labels import ROLE_LABELS

    return options((role.value, ROLE_LABELS[role]) for role in STAFF_ROLES)


def _check_role(_form, field) -> None:
    """Only a staff role: the list's own values, not anything posted."""
    from hiring.auth.accounts import STAFF_ROLES

    if field.data not in {role.value for role in STAFF_ROLES}:
        raise ValidationError(_l("Choose a role from the list."))


class InviteForm(FlaskForm):
    """A colleague's name, e-mail address and role."""

    name = StringField(_l("Name"), filters=[without_bidi_controls, _strip],
                       validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)])
    email = EmailField(_l("E-mail"), filters=[_strip], validators=[
        DataRequired(_l("Enter the person's e-mail address.")),
        Email(_l("That is not an e-mail address."), check_deliverability=False), Length(max=254)])
    role = SelectField(_l("Role"), validate_choice=False,
                       validators=[DataRequired(_l("Choose a role.")), _check_role],
                       description=_l("New hires get their account when they are hired, not here."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class RoleForm(FlaskForm):
    """Another role for one account (the users list has one per row)."""

    role = SelectField(_l("Role"), validate_choice=False,
                       validators=[DataRequired(_l("Choose a role.")), _check_role])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class ForgotPasswordForm(FlaskForm):
    """The e-mail address of the account."""

    email = EmailField(
        _l("E-mail"), filters=[_strip],
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True})
