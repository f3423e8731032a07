"""Likely duplicate candidates: the keys they are found by, finding them, and what recruiters see of them.

A known e-mail adds an application to the same candidate (pipeline/service.add_candidate); this module is for
the person who came back under another address. When candidates are added (staff, the careers site, a CSV
import), each is compared with the others through three keys stored on `candidates` and indexed, so that the
cost is a few index look-ups whatever the number of candidates, never a scan in Python:

- the same phone number: its digits, "00" read as "+", at least MIN_DIGITS of them;
- the same e-mail address apart from dots or a +tag in the local part, for providers known to ignore them;
- a very similar name (folded: case, accents, punctuation, spacing; difflib's ratio at least NAME_RATIO) and
  the same e-mail domain. The look-up is by the domain and the name's first letters (`name_block`); only the
  few it finds are compared in Python, at most LOOKED_AT of them. A typo in the first letters goes unseen.

What is found is stored as a suspicion for a recruiter to decide on (models/duplicates.py); merging, undoing
and confirming live in pipeline/merging.py. Nothing here writes a person's data anywhere but their own row.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, aliased

from hiring.audit import record
from hiring.models import (
    Application,
    Candidate,
    CandidateFile,
    CandidateMerge,
    DuplicateSuspicion,
    Job,
    SuspicionReason,
    SuspicionState,
    utcnow,
)

MIN_DIGITS = 8  # shorter is an extension or a typo, shared by too many to mean one person
MAX_DIGITS = 20
NAME_RATIO = 0.9
BLOCK_LETTERS = 3
LOOKED_AT = 50  # candidates compared by name per new candidate, at most (the newest of a crowded block)
MOST_SUSPECTED = 10  # suspicions per new candidate, at most (a shared switchboard number, say), strongest first
CHUNK = 500  # stays under every database's limit on bound parameters

# Providers whose mailboxes ignore a "+tag" in the local part; Gmail ignores dots as well. Elsewhere a dot or
# a plus may tell two people apart, so the address is compared as it is.
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
IGNORE_DOTS = frozenset({"gmail.com"})
IGNORE_PLUS_TAG = frozenset({
    "gmail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com",
    "protonmail.com", "proton.me", "pm.me", "fastmail.com", "hey.com",
})

REASON_LABELS = {
    SuspicionReason.SAME_PHONE: _l("same phone number"),
    SuspicionReason.SAME_EMAIL: _l("same e-mail address apart from dots or +tags"),
    SuspicionReason.SIMILAR_NAME: _l("very similar name and the same e-mail domain"),
}


# --- the keys (pure) -------------------------------------------------------------------------------------------

def phone_digits(phone: str | None) -> str | None:
    """A phone number as compared: its digits, with "+" kept (and a leading "00" read as "+") so that an
    international number never equals a national one by accident; None with fewer than MIN_DIGITS digits."""
    text = (phone or "").strip()
    international = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return None
    return ("+" if international else "") + digits


def _domain(email: str | None) -> tuple[str, str] | None:
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at or not local or not domain:
        return None
    return local, DOMAIN_ALIASES.get(domain, domain)


def email_key(email: str | None) -> str | None:
    """An e-mail address as compared: lower case, and for the providers that ignore them without the +tag
    (and, at Gmail, the dots) of the local part."""
    parts = _domain(email)
    if parts is None:
        return None
    local, domain = parts
    if domain in IGNORE_PLUS_TAG:
        local = local.split("+", 1)[0] or local
    if domain in IGNORE_DOTS:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def name_key(name: str | None) -> str:
    """A name as compared: accents folded, case folded, punctuation and runs of spaces made one space."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", letters).split())


def name_block(name: str | None, email: str | None) -> str | None:
    """What a similar name is looked up by: the e-mail's domain and the name's first letters, folded."""
    parts, key = _domain(email), name_key(name)
    if parts is None or not key:
        return None
    return f"{parts[1]} {key[:BLOCK_LETTERS]}"[:260]


def similar_names(first: str, second: str) -> bool:
    """Whether two names are very similar once folded: identical, or difflib's ratio at least NAME_RATIO
    (its cheap upper bounds first). Numbers in names ("Candidate 12") must be equal: they tell apart."""
    return _similar_keys(_folded(first), _folded(second))


def _folded(name: str) -> tuple[str, list[str]]:
    key = name_key(name)
    return key, re.findall(r"\d+", key)


def _similar_keys(first: tuple[str, list[str]], second: tuple[str, list[str]]) -> bool:
    """similar_names on names folded already, with their numbers (_folded)."""
    (a, numbers_a), (b, numbers_b) = first, second
    if not a or not b:
        return False
    if a == b:
        return True
    if numbers_a != numbers_b:
        return False
    matcher = difflib.SequenceMatcher(None, a, b)
    return (matcher.real_quick_ratio() >= NAME_RATIO and matcher.quick_ratio() >= NAME_RATIO
            and matcher.ratio() >= NAME_RATIO)


def candidate_keys(name: str | None, email: str | None, phone: str | None) -> dict[str, str | None]:
    """The three stored keys of a candidate, by column name."""
    return {"phone_digits": phone_digits(phone), "email_key": email_key(email), "name_block": name_block(name, email)}


@sa.event.listens_for(Candidate, "before_insert")
@sa.event.listens_for(Candidate, "before_update")
def _keep_keys(_mapper, _connection, candidate: Candidate) -> None:
    """Every candidate written through the ORM carries its keys; an anonymised one none (they are made of
    personal data). Bulk writes pass them themselves (pipeline/importing.py, privacy/anonymise.py)."""
    keys = (dict.fromkeys(("phone_digits", "email_key", "name_block")) if candidate.anonymised_at is not None
            else candidate_keys(candidate.name, candidate.email, candidate.phone))
    for column, value in keys.items():
        if getattr(candidate, column) != value:
            setattr(candidate, column, value)


# --- finding them ----------------------------------------------------------------------------------------------

def _comparable(candidate) -> sa.ColumnElement:
    """A candidate that may be suspected: neither merged away nor anonymised."""
    return sa.and_(candidate.merged_into_id.is_(None), candidate.anonymised_at.is_(None))


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


KEY_COLUMNS = (("phone_digits", SuspicionReason.SAME_PHONE), ("email_key", SuspicionReason.SAME_EMAIL),
               ("name_block", SuspicionReason.SIMILAR_NAME))  # strongest first


@dataclass(frozen=True)
class Keyed:
    """A candidate as compared: id, name and the three keys."""

    id: int
    name: str
    phone_digits: str | None
    email_key: str | None
    name_block: str | None


def _holders(session: Session, news: list[Keyed]) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """{(column, key): [(id, name), ... newest first]} for every key of these candidates, in one statement: the
    newest few holders of each phone and e-mail key, the newest LOOKED_AT of each name block (a window over
    the keys' indexes, never a join of each candidate with everyone holding its key)."""
    parts = []
    for column, reason in KEY_COLUMNS:
        keys = {getattr(n, column) for n in news} - {None}
        if not keys:
            continue
        key = getattr(Candidate, column)
        keep = LOOKED_AT if reason is SuspicionReason.SIMILAR_NAME else MOST_SUSPECTED
        rank = sa.func.row_number().over(partition_by=key, order_by=Candidate.id.desc())
        ranked = (sa.select(sa.literal(column).label("col"), key.label("k"), Candidate.id, Candidate.name,
                            rank.label("rank")).where(key.in_(keys), _comparable(Candidate)).subquery())
        # Those beyond the limit by one: a new candidate holds its own key, and is skipped below.
        parts.append(sa.select(ranked.c.col, ranked.c.k, ranked.c.id, ranked.c.name)
                     .where(ranked.c.rank <= keep + len(news)))
    if not parts:
        return {}
    holders: dict[tuple[str, str], list[tuple[int, str]]] = {}
    union = sa.union_all(*parts).subquery()
    for column, key, cid, name in session.execute(sa.select(union).order_by(union.c.id.desc())):
        holders.setdefault((column, key), []).append((cid, name))
    return holders


def find_pairs(session: Session, news: list[Keyed]) -> dict[tuple[int, int], SuspicionReason]:
    """Likely duplicates of these candidates among all others, as {(newer id, older id): reason}, the
    strongest reason when several hold (phone, then e-mail, then name), at most MOST_SUSPECTED per candidate.
    One statement per chunk of candidates, whatever the number of candidates."""
    found: dict[tuple[int, int], SuspicionReason] = {}
    for chunk in _chunks(news):
        holders = _holders(session, chunk)
        folded: dict[int, tuple[str, list[str]]] = {}
        for new in chunk:
            suspected = 0
            for column, reason in KEY_COLUMNS:
                others = [(oid, name) for oid, name in holders.get((column, getattr(new, column)), [])
                          if oid != new.id]
                if reason is SuspicionReason.SIMILAR_NAME:
                    mine = folded.setdefault(new.id, _folded(new.name))
                    others = [(oid, name) for oid, name in others[:LOOKED_AT]
                              if _similar_keys(mine, folded.setdefault(oid, _folded(name)))]
                for oid, _name in others:
                    pair = (max(new.id, oid), min(new.id, oid))
                    if suspected < MOST_SUSPECTED and pair not in found:
                        found[pair] = reason
                        suspected += 1
    return found


def keyed(candidate: Candidate) -> Keyed:
    """A candidate of the session as compared (its keys as they will be stored; no query)."""
    keys = candidate_keys(candidate.name, candidate.email, candidate.phone)
    return Keyed(candidate.id, candidate.name, **keys)


def keyed_by_id(session: Session, candidate_ids: list[int]) -> list[Keyed]:
    """Candidates stored already (an import's), as compared; one query per chunk."""
    found = []
    for chunk in _chunks(sorted(set(candidate_ids))):
        found += [Keyed(*row) for row in session.execute(
            sa.select(Candidate.id, Candidate.name, Candidate.phone_digits, Candidate.email_key, Candidate.name_block)
            .where(Candidate.id.in_(chunk), _comparable(Candidate)))]
    return found


def look_for_duplicates(session: Session, candidates: list[Candidate | int], *, actor_id: int | None) -> list[int]:
    """Store a suspicion (and an audit event of ids and a code) for every likely duplicate of these newly
    added candidates (objects of the session, or ids of stored ones) not suspected before, whatever came of it
    then; the new suspicions' ids."""
    ids = [c for c in candidates if isinstance(c, int)]
    news = [keyed(c) for c in candidates if not isinstance(c, int)] + (keyed_by_id(session, ids) if ids else [])
    pairs = find_pairs(session, news)
    if not pairs:
        return []
    known = set()
    newer = sorted({a for a, _b in pairs})
    for chunk in _chunks(newer):
        known.update(session.execute(sa.select(DuplicateSuspicion.candidate_id, DuplicateSuspicion.other_candidate_id)
                                     .where(DuplicateSuspicion.candidate_id.in_(chunk))).all())
    now = utcnow()
    rows = [{"candidate_id": a, "other_candidate_id": b, "reason": reason, "state": SuspicionState.OPEN,
             "found_at": now} for (a, b), reason in sorted(pairs.items()) if (a, b) not in known]
    added = []
    for chunk in _chunks(rows):  # in a few statements: an import may find many
        added += session.execute(sa.insert(DuplicateSuspicion).returning(
            DuplicateSuspicion.id, DuplicateSuspicion.candidate_id, DuplicateSuspicion.other_candidate_id,
            DuplicateSuspicion.reason), chunk).all()
    for suspicion_id, newer, older, reason in added:
        record(session, actor_id=actor_id, action="duplicate_suspected", entity_type="candidate",
               entity_id=newer, other_candidate_id=older, suspicion_id=suspicion_id, reason=reason.value)
    return [row[0] for row in added]


# --- what recruiters see ---------------------------------------------------------------------------------------

def _open_pairs():
    """Open suspicions between two candidates still comparable, with both candidates aliased."""
    newer, older = aliased(Candidate), aliased(Candidate)
    stmt = (sa.select(DuplicateSuspicion, newer, older)
            .join(newer, DuplicateSuspicion.candidate_id == newer.id)
            .join(older, DuplicateSuspicion.other_candidate_id == older.id)
            .where(DuplicateSuspicion.state == SuspicionState.OPEN, _comparable(newer), _comparable(older)))
    return stmt, newer, older


def open_count(session: Session) -> int:
    """How many suspicions wait for a recruiter (for the home page)."""
    stmt, _newer, _older = _open_pairs()
    return session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


LIST_SHOWN = 200


def open_suspicions(session: Session) -> list[sa.Row]:
    """The open suspicions, newest first, each with both candidates: (suspicion, newer, older)."""
    stmt, _newer, _older = _open_pairs()
    return session.execute(stmt.order_by(DuplicateSuspicion.found_at.desc(), DuplicateSuspicion.id.desc())
                           .limit(LIST_SHOWN)).all()


def pending_merges(session: Session, kept_id: int | None = None) -> list[sa.Row]:
    """Merges not confirmed nor undone yet, newest first, each with the kept and merged-away candidates:
    (merge, kept, merged); only those into one candidate when `kept_id` is given."""
    kept, merged = aliased(Candidate), aliased(Candidate)
    stmt = (sa.select(CandidateMerge, kept, merged).join(kept, CandidateMerge.kept_id == kept.id)
            .join(merged, CandidateMerge.merged_id == merged.id)
            .where(CandidateMerge.confirmed_at.is_(None), CandidateMerge.undone_at.is_(None)))
    if kept_id is not None:
        stmt = stmt.where(CandidateMerge.kept_id == kept_id)
    return session.execute(stmt.order_by(CandidateMerge.merged_at.desc(), CandidateMerge.id.desc())
                           .limit(LIST_SHOWN)).all()


@dataclass(frozen=True)
class Notice:
    """A line of the candidate page about duplicates: an open suspicion with another candidate (`reason` set),
    or a pending merge of another candidate into this one (`reason` None); `id` is the suspicion's or merge's."""

    id: int
    other_name: str
    reason: SuspicionReason | None
    at: datetime


def notices(session: Session, candidate_id: int) -> list[Notice]:
    """What the candidate page says about duplicates: the open suspicions naming this candidate, and the
    merges into it that can still be undone. One statement (the page has a budget)."""
    stmt, newer, older = _open_pairs()
    other_name = sa.case((newer.id == candidate_id, older.name), else_=newer.name)
    suspicions = (stmt.with_only_columns(DuplicateSuspicion.id, other_name.label("other_name"),
                                         DuplicateSuspicion.reason.label("reason"),
                                         DuplicateSuspicion.found_at.label("at"))
                  .where(sa.or_(newer.id == candidate_id, older.id == candidate_id)))
    merged = aliased(Candidate)
    merges = (sa.select(CandidateMerge.id, merged.name, sa.null(), CandidateMerge.merged_at)
              .join(merged, CandidateMerge.merged_id == merged.id)
              .where(CandidateMerge.kept_id == candidate_id, CandidateMerge.confirmed_at.is_(None),
                     CandidateMerge.undone_at.is_(None)))
    union = sa.union_all(suspicions, merges).subquery()
    rows = session.execute(sa.select(union).order_by(union.c.at, union.c.id).limit(LIST_SHOWN)).all()
    # The union's columns are typed as the first select's: times come back aware, reasons as members.
    return [Notice(nid, name, SuspicionReason(reason) if reason else None, at) for nid, name, reason, at in rows]


@dataclass
class Side:
    """One candidate of a comparison: what a recruiter needs to tell whether two are one person."""

    candidate: Candidate
    applications: list[tuple[str, object]]  # (job title, stage)
    files: int


def compare(session: Session, first: Candidate, second: Candidate) -> tuple[Side, Side]:
    """Both candidates side by side with their applications and how many files each has; two queries."""
    ids = [first.id, second.id]
    applications = session.execute(
        sa.select(Application.candidate_id, Job.title, Application.stage).join(Job, Application.job_id == Job.id)
        .where(Application.candidate_id.in_(ids)).order_by(Application.applied_at, Application.id)).all()
    files = dict(session.execute(sa.select(CandidateFile.candidate_id, sa.func.count())
                                 .where(CandidateFile.candidate_id.in_(ids)).group_by(CandidateFile.candidate_id)).all())
    return tuple(Side(c, [(title, stage) for cid, title, stage in applications if cid == c.id], files.get(c.id, 0))
                 for c in (first, second))


def resolve_shells(session: Session, by_email: dict[str, Candidate]) -> dict[str, Candidate]:
    """Candidates found by e-mail with each merged-away shell replaced by the candidate it is merged into, so
    that a new application of the person goes where their others are (a query only when there is a shell)."""
    kept_ids = {c.merged_into_id for c in by_email.values() if c.merged_into_id is not None}
    if not kept_ids:
        return by_email
    kept = {c.id: c for c in session.scalars(sa.select(Candidate).where(Candidate.id.in_(kept_ids)))}
    return {email: kept[c.merged_into_id] if c.merged_into_id is not None else c for email, c in by_email.items()}
