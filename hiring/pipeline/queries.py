"""Loading the candidate list and the candidate page in a fixed number of queries."""
from __future__ import annotations

import functools
from operator import attrgetter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from hiring import filetext
from hiring.models import (
    Application,
    Candidate,
    CoreValue,
    Hire,
    InterviewAssignment,
    Job,
    Scorecard,
    Stage,
    StageChange,
    User,
)
from hiring.models import search
from hiring.models.stage_counts import applications_count
from hiring.paging import ListQuery, SortKey

_ID_DESC = SortKey(Application.id, True, attrgetter("id"))
# Each sort ends with the id, so that a page's cursor (hiring.paging) names one row.
SORTS = {
    "newest": (SortKey(Application.applied_at, True, attrgetter("applied_at")), _ID_DESC),
    "oldest": (SortKey(Application.applied_at, False, attrgetter("applied_at")),
               SortKey(Application.id, False, attrgetter("id"))),
    "values_fit": (SortKey(Application.values_fit, True, attrgetter("values_fit"), nulls_last=True), _ID_DESC),
    "requirements_fit": (SortKey(Application.requirements_fit, True, attrgetter("requirements_fit"),
                                 nulls_last=True), _ID_DESC),
    "name": (SortKey(Candidate.name, False, attrgetter("candidate.name")),
             SortKey(Application.id, False, attrgetter("id"))),
}


SORT_LABELS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "values_fit": _l("Values fit, highest first"),
    "requirements_fit": _l("Requirements fit, highest first"),
    "name": _l("Name"),
}


# A trigram index (FTS5's trigram tokenizer, pg_trgm) holds every run of three characters of a name: a text of
# one or two characters has no trigram to look up, and FTS5 finds nothing for it. Such a search reads every
# candidate instead, as all searches did before the index (at 100,000 on SQLite about 12 ms for ASCII, several
# times that for other letters, see _contains); so short a text matches many anyway.
TRIGRAM = 3

COUNT_CAP = 1000  # a search counts its applications up to this many (see application_list)
FEW_MATCHES = 200  # up to this many matching candidates, the list looks their applications up by id


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fold(char: str) -> str:
    """A character as FTS5's trigram tokenizer with case_sensitive 0 compares it: Unicode's simple case
    folding (one character to one; "ẞ" to "ß", "Σ" and "ς" to "σ"), the lower case where folding would
    give several characters, and the character itself where neither gives one. FTS5's own table is older
    than Python's: it leaves alone the few hundred cased letters added since (Georgian Mtavruli, Cherokee
    small letters, Latin Extended-D/E, Adlam...); for every other letter both agree."""
    for folded in (char.casefold(), char.lower()):
        if len(folded) == 1:
            return folded
    return char


LAST_CASED = 0x1E943  # the last code point with a case (Adlam); nothing above folds


@functools.cache
def _same_letter() -> dict[str, str]:
    """Each folded character with every character that folds to it: {"σ": "Σςσ", ...} (about 50 ms, once)."""
    groups: dict[str, set[str]] = {}
    for code in range(LAST_CASED + 1):
        char = chr(code)
        folded = _fold(char)
        if folded != char:
            groups.setdefault(folded, {folded}).add(char)
    return {folded: "".join(sorted(chars)) for folded, chars in groups.items()}


def _glob_contains(text: str) -> str:
    """A GLOB pattern for "contains `text`, ignoring case" as the FTS5 index ignores it.

    SQLite's LIKE folds ASCII letters only ("é" would not find "Élodie" while "élo" does through the index);
    GLOB is exact, so each letter becomes the class of the characters that fold alike ("[Éé]"), and GLOB's
    own special characters (* ? [) a class of their own."""
    parts = []
    for char in text:
        same = _same_letter().get(_fold(char))
        parts.append(f"[{same}]" if same else f"[{char}]" if char in "*?[" else char)
    return "*" + "".join(parts) + "*"


def _contains(q: str, dialect: str) -> sa.ColumnElement:
    """A condition on Candidate, read row by row: the name or e-mail contains `q`, ignoring case.

    PostgreSQL: ILIKE, which the GIN trigram indexes answer for three characters or more, folding letters as
    the database's LC_CTYPE does (C.UTF-8 and other UTF-8 locales fold "É" to "é"; plain "C" only ASCII).
    SQLite, for a text too short for its index: LIKE, which folds ASCII letters by itself and skips quickly
    to the first letter, for ASCII; else a GLOB that folds every letter as the index does."""
    if dialect == "sqlite" and not q.isascii():
        pattern = _glob_contains(q)
        return sa.or_(Candidate.name.op("GLOB", is_comparison=True)(pattern),
                      Candidate.email.op("GLOB", is_comparison=True)(pattern))
    pattern = f"%{_escape_like(q)}%"
    if dialect == "sqlite":
        return sa.or_(Candidate.name.like(pattern, escape="\\"), Candidate.email.like(pattern, escape="\\"))
    return sa.or_(Candidate.name.ilike(pattern, escape="\\"), Candidate.email.ilike(pattern, escape="\\"))


def _name_matches(q: str, dialect: str) -> sa.Select:
    if dialect == "sqlite" and len(q) >= TRIGRAM:
        return search.matching_ids(q)
    return sa.select(Candidate.id).where(_contains(q, dialect))


def document_words(q: str) -> list[str]:
    """The words a search looks for in documents: none for an e-mail address or a part of one (that is the
    name and e-mail search's), nor for single letters or digits (see hiring/filetext.query_words)."""
    return [] if "@" in q else filetext.query_words(q)


def matching_candidates(q: str, dialect: str) -> sa.Select:
    """Ids of the candidates whose name or e-mail contains `q` (stripped), ignoring case, or with a document
    (a CV, a letter, another file) holding every word of `q` (see document_words and search.PREFIX_FROM).

    A substring can start anywhere in a name ("jansen" finds "Pim Jansen", "b.j@" an e-mail), so no B-tree
    index can answer it; a trigram index can (migration 0008): on SQLite the FTS5 table `candidate_search`,
    whose rowids are the candidates' ids, on PostgreSQL the pg_trgm GIN indexes under ILIKE. Either finds a
    name's candidates without reading the others (a millisecond or two for a person at 100,000), except
    for a text shorter than a trigram (see TRIGRAM). Documents are found by whole words through an index of
    their own (migration 0016), in the same statement (a UNION): the search still costs one look-up.

    Everyone who may use the candidate list (RECRUITING) may open the candidates' files too, so the list
    finds by documents for all of them; interviewers have neither."""
    q = q.strip()
    names = _name_matches(q, dialect)
    words = document_words(q)
    if not words:
        return names
    # UNION ALL: a candidate found both ways appears twice, which `IN` and the callers ignore; UNION would
    # collect and sort every match before the first could be returned (135 ms against 12 ms for the first
    # 201 of 36,000 "jansen"s at a million candidates on PostgreSQL).
    return sa.union_all(names, search.document_candidate_ids(words, dialect))


def found_in_documents(q: str, candidates) -> set[int]:
    """Of the candidates a search found, the ids of those whose name and e-mail do not contain `q`, folded as
    the index folds it: found by their documents, which the list says. No query: the page has the names."""
    q = q.strip()
    if not q or not document_words(q):
        return set()

    def folded(text: str) -> str:
        return "".join(_fold(char) for char in text)

    needle = folded(q)
    return {c.id for c in candidates if needle not in folded(c.name) and needle not in folded(c.email)}


def application_list(session: Session, q: str = "", job_id: int | None = None, stage: Stage | None = None,
                     sort: str = "newest") -> ListQuery:
    """Applications with their candidate and job, searched, filtered and sorted in SQL, as a
    `hiring.paging.ListQuery` for `keyset_page`: a page's application ids come from an index on the filter and
    sort, starting after the previous page's last row (a cursor, so a deep page costs what the first does),
    then one query loads those rows with their candidate and job; the count is the kept counters' or, for a
    search, reads the applications' own filters, without joins.

    A search first looks for a few matching candidates (through a trigram index, see matching_candidates).
    When there are few (someone looked for a person), the page and the count look their applications up by
    id. When there are many (a common name), on SQLite the FTS5 index lists them all in a few milliseconds,
    and the page and the count look their applications up through it: the cost grows with the matches, not
    with the list. Otherwise (PostgreSQL, or a text too short for trigrams) the page joins the candidates and
    lets the database choose: walk the applications in the list's order until it has a page of matches, or
    (PostgreSQL) collect the matches through the GIN indexes first; the count reads the matching ids."""
    where = []
    if job_id:
        where.append(Application.job_id == job_id)
    if stage:
        where.append(Application.stage == stage)
    sort_keys = SORTS.get(sort, SORTS["newest"])
    keys = sa.select(Application.id).order_by(*(k.ordering for k in sort_keys))
    if sort == "name":
        keys = keys.join(Candidate, Application.candidate_id == Candidate.id)
    count = sa.select(sa.func.count()).select_from(Application)
    q = q.strip()
    if q:
        dialect = session.get_bind().dialect.name
        # Read as far as the count's cap: the same look tells the few from the many and, for the many, whether
        # the count can stop at the cap (below). Past a few hundred, each look costs PostgreSQL the GIN index's
        # bitmap of every match (9 ms for "jansen" at a million), so the page makes it once.
        found = set(session.scalars(matching_candidates(q, dialect).limit(max(FEW_MATCHES, COUNT_CAP) + 1)))
        many = len(found) > FEW_MATCHES
        if not many:
            where.append(Application.candidate_id.in_(found))
        elif dialect == "sqlite" and len(q) >= TRIGRAM:
            # Walking the list in order and probing the matches would win only when nearly everyone matches
            # (and the count then costs more than the page); for a few hundred matches it reads most of the list.
            where.append(Application.candidate_id.in_(matching_candidates(q, dialect)))
        else:
            if sort != "name":
                keys = keys.join(Candidate, Application.candidate_id == Candidate.id)
            words = document_words(q)
            keys = keys.where(sa.or_(_contains(q, dialect), Candidate.id.in_(
                search.document_candidate_ids(words, dialect))) if words else _contains(q, dialect))
            count = count.where(Application.candidate_id.in_(matching_candidates(q, dialect)))
    load = (
        sa.select(Application)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Job, Application.job_id == Job.id)
        .options(contains_eager(Application.candidate), contains_eager(Application.job))
    )
    # Without a search the total is the counters' (hiring/models/stage_counts.py): counting the applications
    # read all of them (310 ms at a million candidates on PostgreSQL).
    # A search's count stops at COUNT_CAP: counting every application of 36,000 matching candidates took 200 ms
    # to print a number nobody pages through; the page says "more than 1,000" and Next stays offered.
    if q:
        capped = count.where(*where).with_only_columns(Application.id).limit(COUNT_CAP + 1).subquery()
        total = sa.select(sa.func.count()).select_from(capped)
        if many and not where and len(found) > COUNT_CAP:
            # Unfiltered, more matching candidates than the cap means more applications than the cap (each
            # candidate has applied at least once), and the look above found that many: counting the
            # applications made PostgreSQL read every match first (35,859 for "jansen" at a million candidates,
            # 46 ms warm and 300 ms cold). Filtered by job or stage, that does not follow, and they are counted.
            total = sa.select(sa.literal(COUNT_CAP + 1))
    else:
        total = applications_count(job_id, stage)
    return ListQuery(keys.where(*where), load, Application.id, sort_keys, total, count_cap=COUNT_CAP if q else None)


@dataclass
class TimelineEvent:
    """One thing that happened to a candidate, for the timeline."""

    at: datetime
    kind: str
    application_id: int
    job_title: str
    text: object = None  # the stage, interview kind or recommendation, labelled by the template
    who: str | None = None
    detail: str | None = None


def candidate_page(session: Session, candidate_id: int) -> dict | None:
    """A candidate with their applications, stage history, interviews, scorecards and hires; 5 queries."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    applications = session.scalars(
        sa.select(Application).options(joinedload(Application.job), joinedload(Application.rejection_reason))
        .where(Application.candidate_id == candidate_id).order_by(Application.applied_at.desc())
    ).all()
    ids = [a.id for a in applications]
    changer = aliased(User)
    changes = session.execute(
        sa.select(StageChange, changer.name).outerjoin(changer, StageChange.changed_by_id == changer.id)
        .where(StageChange.application_id.in_(ids)).order_by(StageChange.changed_at, StageChange.id)
    ).all()
    interviewer = aliased(User)
    assignments = session.execute(
        sa.select(InterviewAssignment, interviewer.name, Scorecard)
        .join(interviewer, InterviewAssignment.interviewer_id == interviewer.id)
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(InterviewAssignment.application_id.in_(ids))
        .order_by(InterviewAssignment.assigned_at, InterviewAssignment.id)
    ).all()
    hires = session.scalars(
        sa.select(Hire).options(joinedload(Hire.user), joinedload(Hire.mentor)).where(Hire.application_id.in_(ids))
    ).all()
    titles = {a.id: a.job.title for a in applications}
    timeline = [
        TimelineEvent(at=c.changed_at, kind="stage", application_id=c.application_id,
                      job_title=titles[c.application_id], text=c.to_stage, who=name, detail=c.reason,
                      ) for c, name in changes
    ]
    for assignment, name, scorecard in assignments:
        timeline.append(TimelineEvent(at=assignment.assigned_at, kind="assigned",
                                      application_id=assignment.application_id,
                                      job_title=titles[assignment.application_id], text=assignment.kind,
                                      who=name))
        if scorecard is not None and scorecard.submitted_at is not None:
            timeline.append(TimelineEvent(at=scorecard.submitted_at, kind="scorecard",
                                          application_id=assignment.application_id,
                                          job_title=titles[assignment.application_id],
                                          text=scorecard.recommendation, who=name,
                                          detail="veto" if scorecard.culture_veto else None))
    timeline.sort(key=lambda e: e.at, reverse=True)
    by_application = {a.id: [] for a in applications}
    for row in assignments:
        by_application[row[0].application_id].append(row)
    return {
        "candidate": candidate,
        "applications": applications,
        "assignments": by_application,
        "hires": {h.application_id: h for h in hires},
        "timeline": timeline,
    }


def application_page(session: Session, application_id: int) -> dict | None:
    """An application with its candidate, job, requirements, assignments and the active core values."""
    application = session.scalar(
        sa.select(Application)
        .options(joinedload(Application.candidate), joinedload(Application.job).selectinload(Job.requirements))
        .where(Application.id == application_id)
    )
    if application is None:
        return None
    assignments = session.scalars(
        sa.select(InterviewAssignment).options(joinedload(InterviewAssignment.interviewer),
                                               joinedload(InterviewAssignment.scorecard))
        .where(InterviewAssignment.application_id == application_id)
        .order_by(InterviewAssignment.assigned_at, InterviewAssignment.id)
    ).all()
    values = session.scalars(
        sa.select(CoreValue).where(CoreValue.retired_at.is_(None)).order_by(CoreValue.position, CoreValue.id)
    ).all()
    return {"application": application, "assignments": assignments, "values": values}
