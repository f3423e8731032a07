"""Single sign-on with OpenID Connect: the company's settings, and who a verified ID token signs in (issue 24).

The ID token has been checked before anything here runs (hiring/auth/sso_client.py: state, PKCE, signature
against the provider's keys, issuer, audience, expiry, nonce). Here, in this order:

1. the account linked to the token's identity, (issuer, sub);
2. else, on a first sign-in, the ACTIVE staff account with the token's e-mail address, only when the provider
   vouches for the address (`email_verified` true; Microsoft Entra ID's `xms_edov`), which is then linked;
3. else a new staff account, only when the role claim maps to a staff role.

Anyone else is refused with a code (logged, audited nowhere: nobody signed in) and a sentence for the page.
Closed accounts are refused, and so are new hires: their account follows their hire, and they sign in with the
password they chose (they are not in the company's identity provider yet). Roles: with "roles from the claim"
every sign-in sets the role the claim maps to (refused when it maps to none); with "roles set by an admin" the
claim gives only a new account's first role. The company always keeps an active admin: the claim never
demotes the last one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.auth.accounts import STAFF_ROLES
from hiring.models import Role, RolesFrom, SsoSettings, User, utcnow
from hiring.postgres import once_more_after_race
from hiring.textinput import without_bidi_controls

# Highest first: a person in both the admins' and the recruiters' group is an admin.
ROLE_FIELDS = ((Role.ADMIN, "admin_values"), (Role.HR, "hr_values"), (Role.RECRUITER, "recruiter_values"),
               (Role.INTERVIEWER, "interviewer_values"))
# The roles that keep their password when the company switches password sign-in off for staff: admins, so that
# a provider that is down or set up wrongly never locks out the people who can mend the settings; new hires,
# who are not in the company's identity provider.
ALWAYS_PASSWORD = frozenset({Role.ADMIN, Role.NEW_HIRE})


class SignInRefused(Exception):
    """Nobody is signed in: `code` for the log, `message` for the person."""

    def __init__(self, code: str, message: str, status: int = 403):
        super().__init__(code)
        self.code, self.message, self.status = code, message, status


def settings(session: Session) -> SsoSettings:
    """The company's settings; a default (off) row, not added, when none has been saved."""
    return session.get(SsoSettings, 1) or SsoSettings(
        id=1, enabled=False, provider_name="", issuer="", client_id="", role_claim="roles", admin_values="",
        hr_values="", recruiter_values="", interviewer_values="", roles_from=RolesFrom.CLAIM, password_sign_in=True)


def split_values(text: str) -> list[str]:
    """A field of claim values as a list: separated by commas, spaces or new lines, duplicates dropped."""
    return list(dict.fromkeys(v for v in re.split(r"[\s,]+", text or "") if v))


def save_settings(session: Session, *, actor_id: int, **values) -> SsoSettings:
    """Write the settings row (flushed; the caller commits); audited with codes only."""
    row = session.get(SsoSettings, 1, with_for_update=True)
    if row is None:
        row = settings(session)
        session.add(row)
    for name, value in values.items():
        if name.endswith("_values"):
            value = " ".join(split_values(value))
        setattr(row, name, value)
    row.updated_at, row.updated_by_id = utcnow(), actor_id
    session.flush()
    record(session, actor_id=actor_id, action="sso_settings_changed", entity_type="sso_settings", entity_id=row.id,
           enabled=row.enabled, roles_from=row.roles_from.value, password_sign_in=row.password_sign_in)
    return row


def password_allowed(config: SsoSettings, user: User) -> bool:
    """May this user sign in with a password? Always, unless single sign-on is on with password sign-in off,
    and then only admins and new hires (ALWAYS_PASSWORD says why)."""
    return not config.enabled or config.password_sign_in or user.role in ALWAYS_PASSWORD


def _claim(claims: dict, name: str):
    """A claim by its name, or by a dotted path into nested claims (Keycloak's "resource_access.hiring.roles")
    when no claim has the whole name."""
    if name in claims:
        return claims[name]
    found = claims
    for part in name.split("."):
        if not isinstance(found, dict) or part not in found:
            return None
        found = found[part]
    return found


def mapped_role(config: SsoSettings, claims: dict) -> Role | None:
    """The highest staff role the role claim's values map to, or None. The claim may be a list or one string."""
    raw = _claim(claims, config.role_claim) if config.role_claim else None
    if isinstance(raw, str):
        given = {raw}
    elif isinstance(raw, (list, tuple)):
        given = {str(v) for v in raw if isinstance(v, (str, int))}
    else:
        return None
    for role, field in ROLE_FIELDS:
        if given & set(split_values(getattr(config, field))):
            return role
    return None


def email_verified(claims: dict) -> bool:
    """Does the provider vouch for the e-mail address? OpenID's `email_verified` (some providers send the
    string "true"); Microsoft Entra ID sends none, but its optional claim `xms_edov` says the same."""
    return any(claims.get(name) is True or claims.get(name) == "true" for name in ("email_verified", "xms_edov"))


def _email(claims: dict) -> str | None:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        return None
    return email.strip().lower()


def _name(claims: dict, email: str) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get(k) for k in ("given_name", "family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    name = without_bidi_controls(name or "").strip()[:200]
    return name or email.split("@")[0]


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in: its issuer, its subject and the token's claims."""

    issuer: str
    subject: str
    claims: dict

    @classmethod
    def from_claims(cls, claims: dict) -> Identity:
        """From an ID token's checked claims (iss and sub are essential there)."""
        issuer, subject = claims.get("iss"), claims.get("sub")
        if not isinstance(issuer, str) or not isinstance(subject, str) or not subject or len(subject) > 255:
            raise SignInRefused("bad_subject", _("The identity provider's answer could not be used. Try again, or "
                                                 "ask an admin."), 400)
        return cls(issuer, subject, dict(claims))


ASK_AN_ADMIN = _l("Ask an admin of this app to give you an account, or to give you a role at %(provider)s.")


def _refuse_account(user: User, config: SsoSettings) -> None:
    if not user.active:
        raise SignInRefused("account_closed", _("Your account here is closed. Ask an admin to reopen it."))
    if user.role == Role.NEW_HIRE:
        raise SignInRefused("new_hire", _("New hires sign in with their e-mail address and password, not with "
                                          "%(provider)s.", provider=config.provider_name))


def _apply_role(session: Session, config: SsoSettings, user: User, role: Role | None) -> None:
    """Roles from the claim: the claim's role, refused when it maps to none; the last active admin stays one."""
    if config.roles_from != RolesFrom.CLAIM:
        return
    if role is None:
        raise SignInRefused("no_role", str(ASK_AN_ADMIN) % {"provider": config.provider_name})
    if role == user.role:
        return
    if user.role == Role.ADMIN:
        others = session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id))
        if not others:
            return  # the company keeps an admin; an admin can mend the provider's groups and demote by hand
    record(session, actor_id=user.id, action="sso_role_applied", entity_type="user", entity_id=user.id,
           before=user.role.value, after=role.value)
    user.role = role


def resolve(session: Session, config: SsoSettings, identity: Identity) -> User:
    """The user this identity signs in (linked or created here, flushed; the caller commits), or SignInRefused."""
    claims = identity.claims
    role = mapped_role(config, claims)
    user = session.scalar(sa.select(User).where(User.sso_issuer == identity.issuer,
                                                User.sso_subject == identity.subject).with_for_update())
    if user is not None:
        _refuse_account(user, config)
        _apply_role(session, config, user, role)
        return _signed_in(session, user)
    email = _email(claims)
    if email is None:
        raise SignInRefused("no_email", _("%(provider)s did not tell us your e-mail address, so we cannot find your "
                                          "account. Ask an admin.", provider=config.provider_name))
    if not email_verified(claims):
        raise SignInRefused("email_unverified", _("%(provider)s has not verified your e-mail address, so we cannot "
                                                  "link it to an account here. Ask an admin.",
                                                  provider=config.provider_name))
    user = session.scalar(sa.select(User).where(User.email == email).with_for_update())
    if user is not None:
        _refuse_account(user, config)
        if user.sso_subject is not None:
            # Linked to another identity (a person recreated at the provider, or another person): never moved
            # silently from one identity to another.
            raise SignInRefused("linked_elsewhere", _("Your account here is linked to another sign-in at "
                                                      "%(provider)s. Ask an admin.", provider=config.provider_name))
        _apply_role(session, config, user, role)
        user.sso_issuer, user.sso_subject = identity.issuer, identity.subject
        record(session, actor_id=user.id, action="sso_linked", entity_type="user", entity_id=user.id)
        return _signed_in(session, user)
    if role is None or role not in STAFF_ROLES:
        raise SignInRefused("no_role", str(ASK_AN_ADMIN) % {"provider": config.provider_name})

    def create() -> User:
        found = session.scalar(sa.select(User).where(User.sso_issuer == identity.issuer,
                                                     User.sso_subject == identity.subject))
        if found is not None:
            return found
        created = User(email=email, name=_name(claims, email), role=role, sso_issuer=identity.issuer,
                       sso_subject=identity.subject)
        session.add(created)
        session.flush()
        return created

    # Two first sign-ins of one person at once (two tabs): one account, the other request finds it.
    user = once_more_after_race(session, create)
    record(session, actor_id=user.id, action="sso_account_created", entity_type="user", entity_id=user.id,
           role=role.value)
    return _signed_in(session, user)


def _signed_in(session: Session, user: User) -> User:
    user.last_login_at = utcnow()
    record(session, actor_id=user.id, action="sso_signed_in", entity_type="user", entity_id=user.id)
    session.flush()
    return user


def _issuer_problem(issuer: str) -> str | None:
    parts = urlsplit(issuer)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment or (
            parts.scheme == "http" and not local):
        return _("Type the issuer's address, beginning with https://.")
    return None


DISCOVERY_PROBLEMS = {
    "unreachable": _l("No discovery document could be read at this issuer's address "
                      "(…/.well-known/openid-configuration). Check the address."),
    "issuer_mismatch": _l("The provider names itself differently: type the issuer exactly as its discovery document "
                          "gives it."),
    "incomplete": _l("The provider's discovery document lacks its sign-in, token or key addresses."),
}


def problems(values: dict, *, secret: str | None) -> dict[str, str]:
    """What keeps these settings from being saved, by field. Switched on, the provider must be complete and
    answer: its discovery document is read now, so that a mistake shows here rather than on the sign-in page."""
    found: dict[str, str] = {}
    issuer = values.get("issuer") or ""
    if issuer and (problem := _issuer_problem(issuer)):
        found["issuer"] = problem
    if values.get("enabled"):
        for name, message in (("provider_name", _("Type the provider's name for the sign-in button.")),
                              ("issuer", _("Type the provider's issuer address.")),
                              ("client_id", _("Type the client ID the provider gave this app."))):
            if not values.get(name):
                found.setdefault(name, message)
        if not values.get("role_claim") and values.get("roles_from") == RolesFrom.CLAIM.value:
            found["role_claim"] = _("Type the claim that carries roles, or let an admin decide roles.")
        if not secret:
            found["enabled"] = _("The client secret is not set: set SSO_CLIENT_SECRET in the server's environment "
                                 "and restart the app, then switch single sign-on on.")
        if not found:  # the provider is asked only about settings that are otherwise right
            from hiring.auth.sso_client import check_discovery

            if (code := check_discovery(issuer)) is not None:
                found["issuer"] = str(DISCOVERY_PROBLEMS[code])
    return found
