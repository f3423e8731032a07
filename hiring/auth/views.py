"""Sign in and sign out, passwords, and the profile page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_user, logout_user

from hiring.auth import device, limits, reset, sessions, sso
from hiring.auth.roles import ANY_ROLE, public, roles_required
from hiring.audit import record
from hiring.auth.service import authenticate
from hiring.auth.tokens import read_reset_token, read_set_password_token
from hiring.extensions import db
from hiring.auth.passwords import problems
from hiring.errorpages import render_error
from hiring.forms.accounts import ForgotPasswordForm
from hiring.forms.auth import ChangePasswordForm, LoginForm, ProfileForm, SetPasswordForm
from hiring.i18n import CHOICE_COOKIE, CHOICE_SECONDS, LANGUAGE_NAMES, SUPPORTED_LOCALES
from hiring.models import User

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never redirect a signed-in user to another host.

    Browsers read a backslash as a slash ("/\\evil.example" is "//evil.example") and drop tabs and line breaks
    from a URL, so a path holding either is refused too."""
    if not target:
        return None
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form; sign in on a valid e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    single_sign_on = sso.settings(db.session)
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            # One message for an unknown account, a wrong password and a closed account.
            form.password.errors.append(_("That e-mail and password do not match an active account."))
            return render_template("auth/login.html", form=form, sso=single_sign_on), 200
        if not sso.password_allowed(single_sign_on, user):
            db.session.rollback()  # not signed in: last_login_at stays as it was
            form.password.errors.append(_("Your company signs in with %(provider)s: use the button above.",
                                          provider=single_sign_on.provider_name))
            return render_template("auth/login.html", form=form, sso=single_sign_on), 200
        next_url = _safe_next(request.args.get("next"))
        begin_session(user)
        db.session.commit()
        return redirect(next_url or url_for("dashboard.home"))
    return render_template("auth/login.html", form=form, sso=single_sign_on)


def begin_session(user: User) -> None:
    """Sign this browser in as `user`, the same way whether by password or through single sign-on (the caller
    commits): a fresh Flask session, a server-side session row, and the known-device cookie."""
    session.clear()  # a fresh session on sign-in: nothing from before survives
    login_user(user)
    session.permanent = True
    sessions.start(user)
    device.remember(user.id)  # this browser is now one the account signs in from (hiring.auth.limits)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """The language switch on the sign-in page and in every page's header (templates/language_switch.html).

    Signed in, the choice is saved on the profile (as the profile page saves it, audited); either way it is
    also kept in the visitor's language cookie (hiring.i18n), which the sign-in page reads and which, unlike the
    session, survives signing in and out. Then back to the page the switch was on (a path on this site only)."""
    chosen = request.form.get("language", "")
    back = _safe_next(request.form.get("next")) or url_for(
        "dashboard.home" if current_user.is_authenticated else "auth.login")
    if chosen not in SUPPORTED_LOCALES:
        flash(_("Choose one of the languages offered."), "error")
        return redirect(back, code=303)
    if current_user.is_authenticated and chosen != current_user.locale:
        record(db.session, actor_id=current_user.id, action="locale_changed", entity_type="user",
               entity_id=current_user.id, before=current_user.locale, after=chosen)
        current_user.locale = chosen
        db.session.commit()
    response = redirect(back, code=303)
    response.set_cookie(CHOICE_COOKIE, chosen, max_age=CHOICE_SECONDS, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.app_context_processor
def _languages() -> dict:
    """The languages the switch offers, each named in itself."""
    return {"language_names": LANGUAGE_NAMES}


@bp.route("/logout", methods=["POST"])
@roles_required(*ANY_ROLE)
def logout():
    """Sign out (a POST, so that a link on another site cannot sign anyone out); the session ends on the
    server too, so a copy of the cookie signs no one in."""
    sessions.end_current()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """The one-time link a new hire gets: choose a password, then sign in. Spent once used."""
    user = read_set_password_token(token, lambda uid: db.session.get(User, uid))
    if user is None:
        return render_template("auth/set_password_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit() and _acceptable(form, user):
        user.set_password(form.password.data)
        sessions.end_all(db.session, user.id)  # a new password, so no session from before it goes on
        record(db.session, actor_id=user.id, action="password_set", entity_type="user", entity_id=user.id)
        db.session.commit()
        flash(_("Your password is set. Sign in with your e-mail address and your new password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user), 400 if form.errors else 200


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a link to choose a new password. The answer is the same whether or not the address has an
    account (hiring.auth.reset); limited per client address and per address typed (hiring.auth.limits)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_reset(db.session, form.email.data)
        db.session.commit()
        flash(_("If an account exists for the address you typed, we have sent it a link to choose a new "
                "password. The link works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


@bp.errorhandler(429)
def too_many(error):
    """The reset form's limits say what to do; the sign-in limits keep the general page."""
    if request.endpoint != "auth.forgot_password":
        return render_error(429)
    response = make_response(render_error(429, _(
        "Too many links were asked for from here or for this address in a short time. Wait an hour, then try "
        "again, and look in your mail (and its spam folder) for the link we sent.")))
    retry = getattr(error, "retry_after", None)
    if retry:
        response.headers["Retry-After"] = str(int(retry))
    return response


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """The link "Forgot your password?" sends: choose a new password. Every session of the account ends,
    and nobody is signed in: the person signs in with the new password."""
    user = read_reset_token(token, lambda uid: db.session.get(User, uid))
    if user is None:
        return render_template("auth/reset_password_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit() and _acceptable(form, user):
        reset.reset_password(db.session, user, form.password.data)
        db.session.commit()
        if current_user.is_authenticated and current_user.id == user.id:
            logout_user()  # its session has ended with the others; the cookie goes too
            session.clear()
        flash(_("Your new password is set, and your account is signed out everywhere. Sign in with your new "
                "password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200


def _acceptable(form, user: User) -> bool:
    """Apply the password policy, putting its reason next to the new password field."""
    problem = problems(form.password.data, email=user.email, name=user.name)
    if problem:
        form.password.errors = [*form.password.errors, problem]
        return False
    return True


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def change_password():
    """Change one's own password; other sessions of the account stop working."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            limits.wrong_current_password()  # only this counts towards the limit, not a refused new password
            form.current.errors = [*form.current.errors, _("That is not your current password.")]
        elif _acceptable(form, current_user):
            current_user.set_password(form.password.data)
            sessions.end_all(db.session, current_user.id, except_current=True)
            record(db.session, actor_id=current_user.id, action="password_changed", entity_type="user",
                   entity_id=current_user.id)
            db.session.commit()
            flash(_("Your password is changed. Other sessions of your account have ended."), "success")
            return redirect(url_for("dashboard.home"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/account/profile", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def profile():
    """Choose the language the app speaks to you, or let the browser decide."""
    form = ProfileForm(data={"locale": current_user.locale or ""})
    if form.validate_on_submit():
        chosen = form.locale.data or None
        if chosen != current_user.locale:
            record(db.session, actor_id=current_user.id, action="locale_changed", entity_type="user",
                   entity_id=current_user.id, before=current_user.locale, after=chosen)
            current_user.locale = chosen
            db.session.commit()
        refresh()  # the message below is already in the new language
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form), 400 if form.errors else 200


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@roles_required(*ANY_ROLE)
def sign_out_everywhere():
    """End every session of one's account, this one included: for a lost phone or a shared computer.
    A POST, with the CSRF token every form carries (checked for every POST by Flask-WTF's CSRFProtect)."""
    user_id = current_user.id
    sessions.end_all(db.session, user_id)
    record(db.session, actor_id=user_id, action="signed_out_everywhere", entity_type="user", entity_id=user_id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out everywhere: on every computer and phone your account was signed in on."), "info")
    return redirect(url_for("auth.login"))
