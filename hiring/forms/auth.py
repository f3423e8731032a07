"""The sign-in, password and profile forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from hiring.forms import options


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class SetPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 12 characters. A short sentence is easy to remember and hard to guess."),
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(_l("Type the password again.")),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    """The current password, and the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Choose a password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 12 characters. A short sentence is easy to remember and hard to guess."))
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(_l("Type the password again.")),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})


class ProfileForm(FlaskForm):
    """The language the app speaks to this user; empty follows the browser."""

    locale = SelectField(
        _l("Language"), validate_choice=False, validators=[Optional()],
        description=_l("“Browser default” follows the language your browser asks for."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from hiring.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES

        self.locale.choices = options(
            [("", _l("Browser default"))] + [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES])

    def validate_locale(self, field) -> None:
        """Only a language we have a catalogue for (or none)."""
        from hiring.i18n import SUPPORTED_LOCALES

        if field.data and field.data not in SUPPORTED_LOCALES:
            raise ValidationError(_l("Choose a language from the list."))
