"""The admins' single sign-on settings form (hiring/auth/sso_views.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import Length, Optional, Regexp

from hiring.forms import options
from hiring.models import RolesFrom

VALUES_HINT = _l("The values of the role claim that give this role, separated by commas or spaces (group names, "
                 "group ids or app roles). Someone with values of several roles gets the highest.")


class SsoSettingsForm(FlaskForm):
    """Single sign-on on or off, the provider, and how roles are decided."""

    enabled = BooleanField(_l("Use single sign-on"), description=_l(
        "The sign-in page offers a button to sign in with the provider."))
    provider_name = StringField(_l("Provider's name"), validators=[Length(max=80)], description=_l(
        "Shown on the button: “Sign in with …”, for example Microsoft, Google or Okta."))
    issuer = StringField(_l("Issuer"), validators=[Length(max=500)], description=_l(
        "The provider's issuer address, exactly as its discovery document names it, for example "
        "https://login.microsoftonline.com/<tenant id>/v2.0 or https://accounts.google.com."))
    client_id = StringField(_l("Client ID"), validators=[Length(max=255)], description=_l(
        "The client (application) ID the provider gave this app. The client secret is not typed here: it is "
        "set as SSO_CLIENT_SECRET in the server's environment."))
    role_claim = StringField(_l("Role claim"), validators=[
        Optional(), Length(max=100),
        Regexp(r"^[A-Za-z0-9_:./-]+$", message=_l("A claim's name: letters, digits and _ : . / - only."))],
        description=_l("The claim of the ID token that lists the person's groups or roles, for example roles "
                       "or groups."))
    admin_values = StringField(_l("Values for Admin"), validators=[Length(max=500)], description=VALUES_HINT)
    hr_values = StringField(_l("Values for HR"), validators=[Length(max=500)])
    recruiter_values = StringField(_l("Values for Recruiter"), validators=[Length(max=500)])
    interviewer_values = StringField(_l("Values for Interviewer"), validators=[Length(max=500)])
    roles_from = RadioField(_l("Who decides a person's role"), default=RolesFrom.CLAIM.value, choices=options([
        (RolesFrom.CLAIM.value, _l("The role claim, at every sign-in")),
        (RolesFrom.ADMIN.value, _l("An admin, on the Users page (the claim gives only a new account's first role)")),
    ]))
    password_sign_in = BooleanField(_l("Staff may also sign in with a password"), description=_l(
        "Off: staff sign in only through the provider. Admins keep their password, so that a provider that is "
        "down or set up wrongly never locks out the people who can mend this page; new hires keep theirs, since "
        "they are not in the provider yet."))
