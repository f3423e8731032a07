"""Importing candidates from a CSV file: every row is checked first, then all are imported or none."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import DomainError
from hiring.models import Application, Candidate, Job, JobStatus, Stage, StageChange, utcnow
from hiring.pipeline import csvfile, duplicates
from hiring.postgres import once_more_after_race
from hiring.privacy.consent import notice_given, set_consent
from hiring.textinput import without_bidi_controls
from hiring.webhooks import events as webhook_events

REQUIRED_COLUMNS = ("name", "email", "job")
OPTIONAL_COLUMNS = ("phone", "source", "consent")
# The columns may be named in English or in Dutch (a file a Dutch recruiter wrote, or exported from a Dutch
# spreadsheet): each other name a column may have, lower-case, by the column it is.
COLUMN_ALIASES = {"naam": "name", "e-mail": "email", "e-mailadres": "email", "emailadres": "email",
                  "vacature": "job", "functie": "job", "telefoon": "phone", "telefoonnummer": "phone",
                  "bron": "source", "toestemming": "consent"}
# Each column named in the reader's language (the Dutch names are among COLUMN_ALIASES), for the example
# and for the problems found.
COLUMN_LABELS = {"name": _l("name"), "email": _l("email"), "phone": _l("phone"), "source": _l("source"),
                 "job": _l("job"), "consent": _l("consent")}
EXAMPLE_COLUMNS = ("name", "email", "phone", "source", "job", "consent")
CONSENT_VALUES = {"yes": True, "no": False, "": False, "ja": True, "nee": False}
# Shown as typed, so kept free of direction controls (hiring/textinput.py); an e-mail address holding one
# is refused as not an address rather than quietly changed into another.
DISPLAYED_COLUMNS = frozenset({"name", "job", "phone", "source"})
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 500  # stays under every database's limit on bound parameters


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row; `row` counts as a spreadsheet does, the header being row 1."""

    row: int
    column: str
    message: str

    @property
    def column_label(self) -> str:
        """The column as the reader's language names it."""
        return column_label(self.column)


def column_label(column: str) -> str:
    """A column of the candidates file named in the reader's language (an unknown one as it is)."""
    label = COLUMN_LABELS.get(column)
    return str(label) if label is not None else column


def canonical_column(header: str) -> str:
    """The column a header names, whether in English or in Dutch ("E-mailadres" is email); others lower-cased."""
    name = " ".join(header.split()).lower()
    return COLUMN_ALIASES.get(name, name)


class ImportRejected(DomainError):
    """The file was not imported; `errors` says why, row by row, or `message` for the file as a whole."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message, field="file")
        self.errors = errors or []


@dataclass
class ImportSummary:
    """What an import added."""

    applications: int = 0
    new_candidates: int = 0
    recognised_candidates: int = 0


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Decode and parse the file into (spreadsheet row, row keyed by lower-case column), or refuse the file."""
    if len(data) > MAX_BYTES:
        raise ImportRejected(_("The file is larger than %(mb)d MB; split it into smaller files.",
                               mb=MAX_BYTES // (1024 * 1024)))
    try:
        text = csvfile.decode(data)
        if not text.strip():  # nothing, or only a byte order mark and blank lines
            raise ImportRejected(_("The file is empty."))
        records = csvfile.read_records(text, REQUIRED_COLUMNS + OPTIONAL_COLUMNS + tuple(COLUMN_ALIASES))
    except csvfile.UnreadableCsv as error:
        raise ImportRejected(str(error)) from None
    columns = [canonical_column(c) for c in records[0][1]]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        named = lambda names: ", ".join(column_label(c) for c in names)  # noqa: E731
        raise ImportRejected(_("This does not look like a candidates file: the first row must name the columns "
                               "%(required)s (and optionally %(optional)s); missing: %(missing)s.",
                               required=named(REQUIRED_COLUMNS), optional=named(OPTIONAL_COLUMNS),
                               missing=named(missing)))
    # Values beyond the header's columns are ignored and missing ones are empty, as csv.DictReader does.
    rows = [(number, {c: (without_bidi_controls(v) if c in DISPLAYED_COLUMNS else v).strip()
                      for c, v in zip(columns, record)}) for number, record in records[1:]]
    rows = [(number, row) for number, row in rows if any(row.values())]
    if not rows:
        raise ImportRejected(_("The file names its columns but holds no candidates."))
    if len(rows) > MAX_ROWS:
        raise ImportRejected(_("The file holds more than %(n)d rows; split it.", n=MAX_ROWS))
    return rows


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def same_name(first: str, second: str) -> bool:
    """Whether two spellings name one person: equal but for case, spacing and Unicode normal form."""
    def key(name: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return key(first) == key(second)


def check_rows(session: Session, rows: list[tuple[int, dict[str, str]]]) -> tuple[list[RowError], list[tuple]]:
    """Check every row against the rules and the database; return the errors and the rows ready to import."""
    jobs = {j.title.strip().lower(): j for j in session.scalars(sa.select(Job).where(Job.status == JobStatus.OPEN))}
    errors: list[RowError] = []
    ready: list[tuple] = []
    seen: dict[tuple[str, int], int] = {}
    named: dict[str, tuple[int, str]] = {}  # e-mail -> the first row giving it, and the name there
    for number, row in rows:
        name, job_title = row.get("name", ""), row.get("job", "")
        email = row.get("email", "").lower()
        row_errors = []
        if not name:
            row_errors.append(RowError(number, "name", _("The name is missing.")))
        elif len(name) > 200:
            row_errors.append(RowError(number, "name", _("The name is longer than 200 characters.")))
        if not email:
            row_errors.append(RowError(number, "email", _("The e-mail address is missing.")))
        else:
            try:
                email = validate_email(email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                row_errors.append(RowError(number, "email", _("'%(email)s' is not an e-mail address.",
                                                              email=row.get("email", ""))))
        if name and email and not row_errors:
            # One address is one candidate: a second name for it is a mistake in one of the rows, which a
            # silent merge would hide (the first row's name would win).
            first = named.setdefault(email, (number, name))
            if not same_name(first[1], name):
                row_errors.append(RowError(number, "name", _("Row %(row)d gives this e-mail address to "
                                                             "'%(name)s': one address is one candidate.",
                                                             row=first[0], name=first[1])))
        job = jobs.get(job_title.lower())
        if not job_title:
            row_errors.append(RowError(number, "job", _("The job is missing.")))
        elif job is None:
            row_errors.append(RowError(number, "job", _("There is no open job called '%(title)s'.",
                                                         title=job_title)))
        for column, limit in (("phone", 40), ("source", 80)):
            if len(row.get(column, "")) > limit:
                row_errors.append(RowError(number, column, _("Longer than %(n)d characters.", n=limit)))
        consent = CONSENT_VALUES.get(row.get("consent", "").lower())
        if consent is None:
            row_errors.append(RowError(number, "consent", _("'%(value)s' is neither yes nor no.",
                                                            value=row.get("consent", ""))))
        if not row_errors:
            key = (email, job.id)
            if key in seen:
                row_errors.append(RowError(number, "email", _("Same candidate and job as row %(row)d.",
                                                              row=seen[key])))
            seen.setdefault(key, number)
        errors.extend(row_errors)
        if not row_errors:
            ready.append((number, name, email, row.get("phone") or None, row.get("source") or None, job, consent))
    emails = sorted({r[2] for r in ready})
    existing = {}
    for chunk in _chunks(emails):
        existing.update({c.email: c for c in session.scalars(sa.select(Candidate).where(Candidate.email.in_(chunk)))})
    existing = duplicates.resolve_shells(session, existing)  # a merged-away address means the kept candidate
    applied = set()
    ids = [c.id for c in existing.values()]
    for chunk in _chunks(ids):
        applied.update(session.execute(sa.select(Application.candidate_id, Application.job_id)
                                       .where(Application.candidate_id.in_(chunk))).all())
    for number, name, email, _phone, _source, job, _consent in ready:
        candidate = existing.get(email)
        if candidate is not None and (candidate.id, job.id) in applied:
            errors.append(RowError(number, "email", _("%(email)s has already applied to %(title)s.",
                                                      email=email, title=job.title)))
    errors.sort(key=lambda e: e.row)
    return errors, [(r, existing.get(r[2])) for r in ready]


def import_candidates(session: Session, data: bytes, *, actor_id: int) -> ImportSummary:
    """Import every row of the file, or raise ImportRejected with every problem and import nothing.

    Of two imports of the same rows at once, the second is refused row by row ("has already applied"), as
    it would be a moment later, never with a 500.
    """
    rows = read_rows(data)
    return once_more_after_race(session, lambda: _import_rows(session, rows, actor_id=actor_id))


def _import_rows(session: Session, rows: list[tuple[int, dict[str, str]]], *, actor_id: int) -> ImportSummary:
    errors, ready = check_rows(session, rows)
    if errors:
        raise ImportRejected(ngettext("Nothing was imported: %(num)d problem in the file.",
                                      "Nothing was imported: %(num)d problems in the file.", len(errors)), errors)
    # Bulk inserts in a few statements rather than the ORM's one INSERT per object: a file of thousands of
    # rows must not take thousands of round trips. RETURNING gives the new ids keyed by what we know.
    now = utcnow()
    ids = {r[2]: known.id for r, known in ready if known is not None}  # by the row's address (a shell's: kept)
    # Any row saying yes gives consent; "no" never withdraws a known candidate's earlier consent (that is
    # done on the candidate page, audited). Every candidate imported was given the privacy notice.
    consenting = {r[2] for r, _k in ready if r[6]}
    new = {}
    for (_n, name, email, phone, source, _job, _consent), known in ready:
        if known is None and email not in new:
            new[email] = {"name": name, "email": email, "phone": phone, "source": source, "created_at": now,
                          "privacy_notice_at": now, "retention_consent": email in consenting,
                          "retention_consent_at": now if email in consenting else None,
                          **duplicates.candidate_keys(name, email, phone)}
        elif known is not None:
            notice_given(known, now)
            if email in consenting:
                set_consent(known, True, now)
    for chunk in _chunks(list(new.values())):
        ids.update((email, cid) for cid, email in session.execute(
            sa.insert(Candidate).returning(Candidate.id, Candidate.email), chunk))
    duplicates.look_for_duplicates(session, [ids[email] for email in new], actor_id=actor_id)
    applications = [{"candidate_id": ids[email], "job_id": job.id, "stage": Stage.APPLIED, "applied_at": now,
                     "stage_changed_at": now} for (_n, _name, email, _p, _s, job, _c), _k in ready]
    application_ids, created = [], []
    for chunk in _chunks(applications):
        rows = session.execute(sa.insert(Application).returning(
            Application.id, Application.candidate_id, Application.job_id), chunk).all()
        application_ids += [row.id for row in rows]
        created += [{"application_id": row.id, "candidate_id": row.candidate_id, "job_id": row.job_id,
                     "stage": Stage.APPLIED.value, "channel": "import"} for row in rows]
    reason = _("Imported from a CSV file")
    session.execute(sa.insert(StageChange), [
        {"application_id": aid, "from_stage": None, "to_stage": Stage.APPLIED, "changed_by_id": actor_id,
         "changed_at": now, "reason": reason} for aid in application_ids])
    summary = ImportSummary(applications=len(application_ids), new_candidates=len(new),
                            recognised_candidates=len({k.id for _r, k in ready if k is not None}))
    record(session, actor_id=actor_id, action="candidates_imported", entity_type="import", entity_id=0,
           applications=summary.applications, new_candidates=summary.new_candidates)
    webhook_events.emit_many(session, webhook_events.APPLICATION_CREATED, created)
    return summary
