"""The messages the app sends, in the company's own wording: kinds registered by features, templates the
company edits per kind and language (models/message_templates.py), rendered safely and queued in the outbox.

A feature registers each kind of message it sends at import time, with its placeholders, a default subject
and plain-text body (English source, translated in the catalogue) and sample values for the preview:

    welcome = messages.register("new_hire_welcome", label=_l("Welcome for a new hire"), audience="staff",
                                placeholders={"name": _l("The new hire's name")},
                                subject=_l("Welcome, {{ name }}"), body=_l("Hello {{ name }}, ..."),
                                sample={"name": "Sam Jansen"})

and sends one in the transaction of the action that causes it:

    messages.send(db.session, "new_hire_welcome", to=user.email, language=user.locale,
                  context={"name": user.full_name}, user_id=user.id)

How it is safe: the company writes plain text with `{{ placeholders }}`, rendered by Jinja's sandbox without
escaping (it is text); a template may use only its kind's placeholders, a few filters and if-conditions
(checked when saved: `check`). The HTML part is made from the rendered text, escaped, with paragraphs, line
breaks and clickable http(s) links: the company's words never reach a mail client as HTML.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from hiring.i18n import SUPPORTED_LOCALES
from hiring.mail import outbox
from hiring.models import MessageTemplate, OutboxMessage
from hiring.models.message_templates import BODY_LENGTH, SUBJECT_LENGTH

log = logging.getLogger(__name__)

AUDIENCES = ("candidate", "staff")
LANGUAGES = SUPPORTED_LOCALES  # the languages a company writes its messages in
PLACEHOLDER = re.compile(r"[a-z][a-z0-9_]{0,39}")
# What a template may do besides placing values: these filters (without arguments, or `default` with a
# constant), and if-conditions over placeholders. No attribute access, calls, loops, includes or macros.
FILTERS = ("capitalize", "default", "lower", "title", "trim", "upper")
_ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.If, nodes.Not,
                  nodes.And, nodes.Or, nodes.Filter, nodes.Name)
LINK = re.compile(r"https?://[^\s<>\"'\ue000-\ue002]+", re.IGNORECASE)
LINK_TRAILER = ".,;:!?)]}'"
# Placeholders whose names end so hold addresses (a status link, a video call) and become clickable in the
# HTML part; an address inside any other value (a name someone typed on the careers site) stays plain text,
# so that nobody can make our message carry their link. Values are marked while rendering (private-use
# characters around each non-empty value) to tell them from the company's words.
LINK_SUFFIXES = ("_link", "_url")
LINK_NAMES = ("link", "url")  # the bare names too (the interview invitations' "link")
VALUE_START, VALUE_END, NO_LINK = "\ue000", "\ue001", "\ue002"
_MARKS = {ord(VALUE_START): None, ord(VALUE_END): None, ord(NO_LINK): None}


@dataclass(frozen=True)
class Kind:
    """A kind of message: who receives it, what its placeholders hold, its default wording, preview values."""

    code: str
    label: object  # LazyString: shown to admins
    audience: str  # "candidate" or "staff"
    placeholders: dict[str, object]  # name -> LazyString saying what it holds
    subject: object  # LazyString: the default subject, with {{ placeholders }}
    body: object  # LazyString: the default plain-text body
    sample: dict[str, str]  # example values for the preview


KINDS: dict[str, Kind] = {}


def register(code: str, *, label, audience: str, placeholders: dict, subject, body, sample: dict[str, str]) -> Kind:
    """Make a kind of message known (at import time of the feature that sends it); returns it."""
    if not PLACEHOLDER.fullmatch(code):
        raise ValueError(f"message kind {code!r}: a code of at most 40 lowercase letters, digits and _")
    if audience not in AUDIENCES:
        raise ValueError(f"message kind {code!r}: audience must be one of {AUDIENCES}")
    bad = [name for name in placeholders if not PLACEHOLDER.fullmatch(name)]
    if bad:
        raise ValueError(f"message kind {code!r}: placeholder names must be lowercase identifiers: {bad}")
    if set(sample) != set(placeholders):
        raise ValueError(f"message kind {code!r}: the sample must give every placeholder and only those")
    kind = Kind(code, label, audience, dict(placeholders), subject, body, {k: str(v) for k, v in sample.items()})
    KINDS[code] = kind
    return kind


def kinds() -> list[Kind]:
    """Every registered kind, by code."""
    return [KINDS[code] for code in sorted(KINDS)]


def kind_of(code: str) -> Kind | None:
    """The registered kind of this code, or None."""
    return KINDS.get(code)


def default_language() -> str:
    """The company's language (BABEL_DEFAULT_LOCALE): messages to someone whose language is not known."""
    configured = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return configured if configured in LANGUAGES else LANGUAGES[0]


def language_for(language: str | None) -> str:
    """A supported language: the one asked for, else the company's."""
    return language if language in LANGUAGES else default_language()


def absolute_url(endpoint: str, **values) -> str | None:
    """An address to put in a message. With PUBLIC_BASE_URL (the site's address as people reach it) built on
    it, so that a forged Host header cannot put another site into a link that carries a token; else from this
    request's host; None outside a request without PUBLIC_BASE_URL (no address to give)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base and not has_request_context():
        # A command (`flask send-reminders` from cron): no request, so the path from the app's URL map.
        return base + current_app.url_map.bind("localhost").build(endpoint, values)
    if base:
        return base + url_for(endpoint, **values)
    if not has_request_context():
        return None
    return url_for(endpoint, _external=True, **values)


def default_wording(kind: Kind, language: str) -> tuple[str, str]:
    """The kind's default subject and body in `language` (the catalogue's translation)."""
    with force_locale(language):
        return str(kind.subject), str(kind.body)


def saved(session: Session, code: str, language: str) -> MessageTemplate | None:
    """The company's wording of one kind in one language, if it saved one."""
    return session.scalars(sa.select(MessageTemplate).where(
        MessageTemplate.kind == code, MessageTemplate.language == language)).one_or_none()


def saved_pairs(session: Session) -> set[tuple[str, str]]:
    """(kind, language) of every saved wording, in one query."""
    return {(k, lang) for k, lang in session.execute(sa.select(MessageTemplate.kind, MessageTemplate.language))}


def wording(session: Session, kind: Kind, language: str) -> tuple[str, str, bool]:
    """The subject and body used for `kind` in `language` and whether they are the company's own."""
    row = saved(session, kind.code, language)
    if row is not None:
        return row.subject, row.body, True
    return (*default_wording(kind, language), False)


# --- checking and rendering -------------------------------------------------------------------------------

class _Environment(SandboxedEnvironment):
    """Jinja's sandbox, for text: no escaping, an unknown name is an error, filters limited to FILTERS."""

    def __init__(self):
        super().__init__(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True,
                         trim_blocks=True, lstrip_blocks=True)
        self.filters = {name: self.filters[name] for name in FILTERS}
        self.tests = {name: self.tests[name] for name in ("defined", "none", "undefined")}
        self.globals = {}


_ENV: _Environment | None = None


def environment() -> _Environment:
    """The one sandboxed environment (made on first use)."""
    global _ENV
    if _ENV is None:
        _ENV = _Environment()
    return _ENV


def _forbidden(tree: nodes.Node) -> nodes.Node | None:
    """The first node a template may not use (see FILTERS), or None."""
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            return node
        if isinstance(node, nodes.Name) and node.ctx != "load":
            return node
        if isinstance(node, nodes.Filter) and (
                node.name not in FILTERS or node.kwargs or node.dyn_args or node.dyn_kwargs
                or (node.args and (node.name != "default" or not all(isinstance(a, nodes.Const) for a in node.args)))):
            return node
    return None


def check_one(kind: Kind, source: str) -> str | None:
    """Why `source` cannot be a template of `kind` (a sentence for beside the field), or None."""
    try:
        tree = environment().parse(source)
        names = meta.find_undeclared_variables(tree)  # compiles: an unknown filter is found here
    except TemplateSyntaxError as error:
        return _("Line %(line)d: this cannot be read (%(problem)s).", line=error.lineno or 1,
                 problem=(error.message or "").rstrip("."))
    unknown = sorted(names - set(kind.placeholders))
    if unknown:
        return _("Unknown placeholder: %(names)s. Use only the placeholders listed.", names=", ".join(unknown))
    node = _forbidden(tree)
    if node is not None:
        return _("Line %(line)d: only placeholders such as %(example)s, the filters %(filters)s and if-conditions "
                 "may be used.", line=getattr(node, "lineno", 1) or 1,
                 example="{{ " + next(iter(kind.placeholders), "name") + " }}", filters=", ".join(FILTERS))
    return None


def check(kind: Kind, subject: str, body: str) -> dict[str, str]:
    """The errors of a subject and body the company typed, by field ("subject", "body"); empty when good."""
    errors = {}
    for field, source, limit in (("subject", subject, SUBJECT_LENGTH), ("body", body, BODY_LENGTH)):
        if not source.strip():
            errors[field] = _("This field is required.")
        elif len(source) > limit:
            errors[field] = _("At most %(num)d characters.", num=limit)
        else:
            problem = check_one(kind, source)
            if problem:
                errors[field] = problem
    return errors


@dataclass(frozen=True)
class Rendered:
    """A message ready for the outbox: one-line subject, plain text, and HTML made from the text."""

    subject: str
    text: str
    html: str


def _plain(value: object) -> str:
    """A value as a plain str (never Markup, which would pass the HTML part's escaping untouched), without
    the marks `render` uses."""
    return ("%s" % (value,)).translate(_MARKS)


def _marked(name: str, value: str) -> str:
    """A value as rendered: marked, unless it is a link placeholder's or empty (an if-condition stays false)."""
    if not value or name in LINK_NAMES or name.endswith(LINK_SUFFIXES):
        return value
    return f"{VALUE_START}{value}{VALUE_END}"


def _unlinkable(marked: str) -> str:
    """The rendered text with the marks taken out, and "://" inside marked values broken by an invisible mark
    so that LINK finds no address there (marks never nest: they are taken out of values and templates)."""
    text = re.sub(f"{VALUE_START}(.*?){VALUE_END}", lambda m: m.group(1).replace("://", f":{NO_LINK}//"),
                  marked, flags=re.DOTALL)
    return text.replace(VALUE_START, "").replace(VALUE_END, "")


def _linked(line: str) -> Markup:
    """One line escaped, its http(s) addresses made links; the marks removed."""
    out, last = [], 0
    for match in LINK.finditer(line):
        url = match.group(0).rstrip(LINK_TRAILER)
        if not url or len(url) < len("http://x"):
            continue
        start, end = match.start(), match.start() + len(url)
        out.append(escape(line[last:start]))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = end
    out.append(escape(line[last:]))
    return Markup(Markup("").join(out).replace(NO_LINK, ""))


def html_from_text(text: str, *, subject: str, language: str) -> str:
    """The HTML part: the text escaped, paragraphs at blank lines, line breaks kept, links clickable (not
    inside marked values, see LINK_SUFFIXES)."""
    text = _unlinkable(text).replace("\r\n", "\n").strip("\n")
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    body = Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(_linked(line) for line in paragraph.split("\n")))
        for paragraph in paragraphs)
    # A plain str, as it is stored: a template showing it (the preview's srcdoc) must escape it.
    return str(Markup('<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8"><title>{subject}</title>'
                  '</head>\n<body style="font-family: sans-serif; line-height: 1.5">\n{body}\n</body>\n</html>\n'
                  ).format(lang=language, subject=subject, body=body))


def render(kind: Kind, subject: str, body: str, context: dict[str, object], language: str) -> Rendered:
    """Render a subject and body of `kind` with `context` (each value as a plain string). Raises what Jinja
    raises for a template that `check` would refuse."""
    values = {name: _marked(name, _plain(context[name])) for name in kind.placeholders if name in context}
    env = environment()
    rendered_subject = " ".join(env.from_string(subject.translate(_MARKS)).render(values).translate(_MARKS)
                                .split())[:SUBJECT_LENGTH]
    marked = env.from_string(body.translate(_MARKS)).render(values)
    text = marked.translate(_MARKS)
    return Rendered(rendered_subject, text, html_from_text(marked, subject=rendered_subject, language=language))


def preview(kind: Kind, subject: str, body: str, language: str) -> Rendered:
    """What a subject and body look like with the kind's sample values."""
    return render(kind, subject, body, kind.sample, language)


def compose(session: Session, kind: Kind, language: str, context: dict[str, object]) -> Rendered:
    """The message in the company's wording for `language`, or the default when there is none or it fails."""
    row = saved(session, kind.code, language)
    if row is not None:
        try:
            return render(kind, row.subject, row.body, context, language)
        except Exception as error:  # noqa: BLE001 - checked when saved; a failure must not stop the action
            log.warning("message %s: saved wording failed (%s), default used", kind.code, type(error).__name__)
    return render(kind, *default_wording(kind, language), context, language)


def send_unless_refused(session: Session, code: str, *, about: str, **arguments) -> OutboxMessage | None:
    """`send`, for a message the action stands without: an address the outbox refuses queues nothing and is
    logged with `about` (ids only, e.g. "hire 12"), never the address."""
    try:
        return send(session, code, **arguments)
    except outbox.AddressRefused:
        log.warning("%s: %s not queued (address refused)", about, code)
        return None


def send(session: Session, code: str, *, to: str, language: str | None, context: dict[str, object],
         user_id: int | None = None, candidate_id: int | None = None,
         attachments: Iterable = ()) -> OutboxMessage:
    """Render the company's wording of message `code` (its saved template for that language, else the default
    in that language) with `context` and queue it with outbox.queue in the caller's transaction.

    `language` None (or unsupported): the company's default. `context` must give every placeholder of the
    kind (ValueError otherwise: a caller's mistake); values are shown as plain text. Flushes; the caller
    commits.
    """
    kind = KINDS.get(code)
    if kind is None:
        raise ValueError(f"unknown message kind {code!r}")
    missing = sorted(set(kind.placeholders) - set(context))
    if missing:
        raise ValueError(f"message {code}: no value for {missing}")
    language = language_for(language)
    message = compose(session, kind, language, context)
    return outbox.queue(session, to=to, subject=message.subject, text=message.text, html=message.html,
                        kind=code, language=language, user_id=user_id, candidate_id=candidate_id,
                        attachments=attachments)
