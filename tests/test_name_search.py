"""The candidate search by name or e-mail: any part, ignoring case, through a trigram index (migration 0008):
SQLite's FTS5 table `candidate_search`, PostgreSQL's pg_trgm GIN indexes; and erasure empties the index."""
from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from hiring.extensions import db
from hiring.models import Candidate, Role, Stage, utcnow
from hiring.models.search import SEARCH_TABLE, TRIGRAM_INDEXES, include_name
from hiring.pipeline import queries
from hiring.pipeline.queries import application_list, matching_candidates
from hiring.privacy.service import erase
from tests import factories

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "versions" / "0008_name_search.py"


def _dialect() -> str:
    return db.engine.dialect.name


def found(q: str) -> set[str]:
    """The names of the candidates the list's search finds for `q`."""
    ids = db.session.scalars(matching_candidates(q, _dialect())).all()
    return set(db.session.scalars(sa.select(Candidate.name).where(Candidate.id.in_(ids))))


def people(*names_and_emails) -> None:
    for name, email in names_and_emails:
        factories.application(candidate_=factories.candidate(name=name, email=email))
    db.session.commit()


def sqlite_only():
    if _dialect() != "sqlite":
        pytest.skip("SQLite's FTS5 index")


def postgres_only():
    if _dialect() != "postgresql":
        pytest.skip("PostgreSQL's pg_trgm indexes")


# --- what users see ------------------------------------------------------------------------------------------

def test_any_part_of_a_name_or_e_mail_ignoring_case(app):
    people(("Pim Jansen", "p.jansen@example.org"), ("Anna de Vries", "anna@jansen-bv.example"),
           ("Bram Bakker", "bram@example.org"))
    assert found("jansen") == found("JANSEN") == found("JaNsEn") == {"Pim Jansen", "Anna de Vries"}
    assert found("im Ja") == {"Pim Jansen"}  # across the space, starting inside a word
    assert found("m jans") == {"Pim Jansen"}
    assert found("p.jansen@") == found("N@EXAMPLE.O") == {"Pim Jansen"}
    assert found("@jansen-bv.example") == {"Anna de Vries"}
    assert found("example") == {"Pim Jansen", "Anna de Vries", "Bram Bakker"}
    assert found("Jansen Pim") == found("qqq") == set()  # a phrase, in order, not a bag of words


@pytest.mark.parametrize("q, expected", [
    ("j", {"Pim Jansen", "Jo Bakker"}), ("JA", {"Pim Jansen"}), ("zz", set()),
    ("k", {"Jo Bakker"}), ("@b", {"Jo Bakker"}), ("m@", {"Pim Jansen"}),
])
def test_texts_shorter_than_a_trigram_are_found_too(app, q, expected):
    # Trigram indexes hold nothing for one or two characters; these read the rows (see queries.TRIGRAM).
    people(("Pim Jansen", "pim@example.org"), ("Jo Bakker", "jo@bakker.example"))
    assert found(q) == expected


# Each of these means something in FTS5's query syntax, LIKE's or GLOB's; here each is only text to look for.
SPECIAL = [
    ('Anna "Nan" Smit', "anna@example.org"),
    ("Bob * Star", "bob@example.org"),
    ("Near (NEAR) Neighbour", "near@example.org"),
    ("Chloé 100% Dupont", "chloe@example.org"),
    ("Under_score Person", "under@example.org"),
    ("Back\\slash Person", "back@example.org"),
    ("Col: Onn", "col@example.org"),
    ("Question? Mark [x]", "qm@example.org"),
]


@pytest.mark.parametrize("q, expected", [
    ('"', {'Anna "Nan" Smit'}), ('"Nan"', {'Anna "Nan" Smit'}), ('a "N', {'Anna "Nan" Smit'}),
    ('""', set()), ('"""', set()), ('"Nan', {'Anna "Nan" Smit'}),
    ("*", {"Bob * Star"}), ("b * s", {"Bob * Star"}), ("Sta*", set()), ("*t", set()),
    ("NEAR", {"Near (NEAR) Neighbour"}), ("(NEAR)", {"Near (NEAR) Neighbour"}), ("(", {"Near (NEAR) Neighbour"}),
    ("NEAR(a b)", set()), ("R) N", {"Near (NEAR) Neighbour"}),
    ("%", {"Chloé 100% Dupont"}), ("100%", {"Chloé 100% Dupont"}), ("1%0", set()), ("%%", set()),
    ("_", {"Under_score Person"}), ("r_s", {"Under_score Person"}), ("__", set()), ("e_", set()),
    ("\\", {"Back\\slash Person"}), ("k\\s", {"Back\\slash Person"}), ("\\\\", set()), ("\\%", set()),
    ("Col:", {"Col: Onn"}), ("name:anna", set()), ("^Anna", set()), ("Anna OR Bob", set()),
    ("Bob AND", set()), ("NOT", set()), ("-", set()), ("+", set()),
    ("?", {"Question? Mark [x]"}), ("[x]", {"Question? Mark [x]"}), ("[", {"Question? Mark [x]"}),
    ("n? M", {"Question? Mark [x]"}), ("k [", {"Question? Mark [x]"}), ("[a-z]", set()),
])
def test_query_syntax_in_the_search_is_only_text(app, q, expected):
    people(*SPECIAL)
    assert found(q) == expected


def test_the_list_page_searches_with_special_characters(client, login_as):
    login_as(Role.RECRUITER)
    people(*SPECIAL)
    for q in ('"', '"Nan"', "(NEAR)", "NEAR(", "100%", "k\\s", "*", "a*", '")', "name:x", "é", "Chloé 1"):
        response = client.get("/pipeline/", query_string={"q": q})
        assert response.status_code == 200, q
    assert "Chloé 100% Dupont" in client.get("/pipeline/", query_string={"q": "É 100"}).get_data(as_text=True)
    page = client.get("/pipeline/", query_string={"q": "%"}).get_data(as_text=True)
    assert "Chloé 100% Dupont" in page and "Bob * Star" not in page


# Letters beyond ASCII fold as FTS5's trigram tokenizer folds them (case_sensitive 0: Unicode's simple case
# folding), whether the text is long enough for the index or not; SQLite's LIKE alone would fold only A-Z.
ACCENTS = [("Élodie Dupré", "elodie@example.org"), ("Ölaf Groß", "olaf@example.org"),
           ("GROẞ ÄRGER", "gross@example.org"), ("Ivan Petrov", "ivan@example.org")]


@pytest.mark.parametrize("q, expected", [
    ("é", {"Élodie Dupré"}), ("É", {"Élodie Dupré"}), ("élo", {"Élodie Dupré"}), ("ÉLODIE", {"Élodie Dupré"}),
    ("DUPRÉ", {"Élodie Dupré"}), ("é d", set()), ("ée", set()),
    ("e", {"Élodie Dupré", "Ölaf Groß", "GROẞ ÄRGER", "Ivan Petrov"}),  # every e-mail has one
    ("ö", {"Ölaf Groß"}), ("öLAF", {"Ölaf Groß"}), ("ä", {"GROẞ ÄRGER"}), ("ärger", {"GROẞ ÄRGER"}),
    ("ß", {"Ölaf Groß", "GROẞ ÄRGER"}), ("ẞ", {"Ölaf Groß", "GROẞ ÄRGER"}), ("groß", {"Ölaf Groß", "GROẞ ÄRGER"}),
    ("GROẞ", {"Ölaf Groß", "GROẞ ÄRGER"}), ("ß ä", {"GROẞ ÄRGER"}), ("gross", {"GROẞ ÄRGER"}),
])
def test_letters_beyond_ascii_ignore_case_at_every_length(app, q, expected):
    people(*ACCENTS)
    assert found(q) == expected


GREEK = [("ΣΊΣΥΦΟΣ Παπαδόπουλος", "sisyfos@example.org"), ("Ωmega", "omega@example.org")]


@pytest.mark.parametrize("q", ["σ", "ς", "Σ", "ΣΊ", "σίσυφος", "ΣΊΣΥΦΟΣ", "φος", "ω", "ΩME", "μ", "ασ"])
def test_sqlite_short_and_long_texts_fold_letters_as_the_index_does(app, q):
    # The index folds final sigma too (PostgreSQL's lower() does not); both SQLite paths agree with it and
    # with queries._fold, character by character.
    sqlite_only()
    people(*GREEK, *ACCENTS)

    def fold(text):
        return "".join(queries._fold(c) for c in text)

    everyone = [n for n, _e in (*GREEK, *ACCENTS)]
    assert found(q) == {n for n in everyone if fold(q) in fold(n)}


# --- the index is used, and the list's queries and pages stay as they were -----------------------------------

def _sqlite_plan(stmt: sa.Select) -> str:
    compiled = stmt.compile(dialect=db.engine.dialect)
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
    return "\n".join(row[-1] for row in rows)


def test_sqlite_finds_names_through_the_fts5_index(app, monkeypatch):
    sqlite_only()
    steps = _sqlite_plan(matching_candidates("jansen", "sqlite"))
    assert f"SCAN {SEARCH_TABLE} VIRTUAL TABLE INDEX 0:M" in steps and "candidates" not in steps, steps
    monkeypatch.setattr(queries, "FEW_MATCHES", -1)  # a common name: the page and the count use it too
    listing = application_list(db.session, "jansen", None, None, "newest")
    for steps in (_sqlite_plan(listing.rows(50, 0)), _sqlite_plan(listing.total)):
        assert f"{SEARCH_TABLE} VIRTUAL TABLE INDEX 0:M" in steps and "SCAN candidates" not in steps, steps
        assert "SCAN applications" not in steps, steps
    # Too short for a trigram: the fallback reads every candidate, as the search did before the index.
    assert "SCAN candidates" in _sqlite_plan(matching_candidates("ja", "sqlite"))


def test_postgres_can_answer_ilike_from_the_trigram_indexes(app):
    postgres_only()
    stmt = matching_candidates("jansen", "postgresql")
    sql = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: make the planner show what it can use
        steps = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}").scalars())
    assert "ix_candidates_name_trgm" in steps and "ix_candidates_email_trgm" in steps, steps


@pytest.mark.parametrize("few", [200, -1])
@pytest.mark.parametrize("q", ["jansen", "ja", "é"])
def test_a_search_costs_one_query_more_than_the_list(client, login_as, count_queries, monkeypatch, few, q):
    monkeypatch.setattr(queries, "FEW_MATCHES", few)
    login_as(Role.RECRUITER)
    job = factories.job()
    for i in range(60):
        factories.application(job, factories.candidate(name=f"Pim Jansen é{i:02d}"))
    db.session.commit()
    client.get("/pipeline/")  # the signed-in user is loaded once per test (the test holds one app context)
    with count_queries() as plain:
        assert client.get("/pipeline/").status_code == 200
    with count_queries() as searched:
        html = client.get("/pipeline/", query_string={"q": q, "page": 2}).get_data(as_text=True)
    assert "60 applications" in html and "Page 2 of 2" in html and html.count("<tr>") == 11
    assert searched.count == plain.count + 1  # the look-up of the matching candidates


# --- the index follows the candidates, and erasure empties it --------------------------------------------------

def _index_blocks() -> list[bytes]:
    """The FTS5 index's pages, without its structure and averages records (which count writes)."""
    return sorted(db.session.execute(sa.text(f"SELECT block FROM {SEARCH_TABLE}_data WHERE id NOT IN (1, 10)"))
                  .scalars())


def _rebuilt_blocks() -> list[bytes]:
    """The pages of an index built afresh from today's candidates (rebuilds the test database's index)."""
    db.session.commit()  # a fresh transaction: one begun before another connection wrote could not write
    db.session.execute(sa.text(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('rebuild')"))
    db.session.execute(sa.text(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')"))
    blocks = _index_blocks()
    db.session.commit()
    return blocks


def _integrity_check() -> None:
    """FTS5 compares the index with the candidates table (rank 1: external content too); raises on a mismatch."""
    db.session.execute(sa.text(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rank) VALUES ('integrity-check', 1)"))


def test_the_index_follows_inserts_updates_and_deletes(app):
    people(("Pim Jansen", "pim@example.org"), ("Anna de Vries", "anna@example.org"))
    anna = db.session.scalar(sa.select(Candidate).where(Candidate.name == "Anna de Vries"))
    anna.name, anna.email = "Anna Bakker", "a.bakker@example.org"
    anna.phone = "+31 20 123 4567"
    db.session.commit()
    assert found("Vries") == found("anna@") == set() and found("bakker") == {"Anna Bakker"}
    db.session.commit()
    with db.engine.begin() as conn:  # a delete that no model sees (the tests empty tables this way)
        conn.execute(sa.text("DELETE FROM applications"))
        conn.execute(sa.text("DELETE FROM candidates WHERE name = 'Pim Jansen'"))
    assert found("jansen") == set() and found("example") == {"Anna Bakker"}
    if _dialect() == "sqlite":
        _integrity_check()


def test_erasure_leaves_nothing_of_the_name_to_find_or_in_the_index(app):
    if _dialect() == "sqlite":
        # Start from an index built afresh: the segments earlier tests left behind (their rows deleted by the
        # tests' emptying) made optimize and rebuild lay the pages out differently, depending on test order.
        _rebuilt_blocks()
    hr = factories.user(Role.HR)
    people(("Zebedeus Quaxley", "zq@wobble.example"), ("Zebedeus Other", "other@example.org"))
    erased = db.session.scalar(sa.select(Candidate.id).where(Candidate.name == "Zebedeus Quaxley"))
    db.session.commit()
    if _dialect() == "sqlite":
        # A change outside erasure leaves the old name in an older segment: what the comparison below sees.
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE candidates SET name = 'Zebedeus Other2' WHERE name = 'Zebedeus Other'"))
        assert _index_blocks() != _rebuilt_blocks()
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE candidates SET name = 'Zebedeus Other' WHERE name = 'Zebedeus Other2'"))
    erase(db.session, erased, reason="She phoned on Monday", actor_id=hr.id, now=utcnow())
    db.session.commit()
    for q in ("Quaxley", "quax", "Zebedeus Q", "zq@wobble", "wobble.example"):
        assert found(q) == set(), q
    assert found("zebedeus") == {"Zebedeus Other"}
    if _dialect() == "sqlite":
        # Byte for byte the index of today's rows: no segment holds the old name's trigrams any more.
        assert _index_blocks() == _rebuilt_blocks()
        _integrity_check()


def test_the_daily_purge_empties_the_index_too(app, runner):
    people(("Zebedeus Quaxley", "zq@wobble.example"), ("Pim Jansen", "pim@example.org"))
    application = db.session.scalar(sa.select(Candidate).where(Candidate.name == "Zebedeus Quaxley")).applications[0]
    application.stage, application.stage_changed_at = Stage.REJECTED, utcnow() - timedelta(days=2000)
    db.session.commit()
    result = runner.invoke(args=["purge-candidates"])
    assert "1 candidate anonymised." in result.output, result.output
    db.session.expire_all()
    assert found("quaxley") == found("wobble") == set() and found("jansen") == {"Pim Jansen"}
    if _dialect() == "sqlite":
        assert _index_blocks() == _rebuilt_blocks()


# --- the migration --------------------------------------------------------------------------------------------

def _search_objects() -> set[str]:
    with db.engine.connect() as conn:
        if _dialect() == "sqlite":
            return set(conn.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE name LIKE 'candidate%search%'")).scalars())
        return {ix["name"] for ix in sa.inspect(conn).get_indexes("candidates")} & TRIGRAM_INDEXES


def test_downgrade_removes_the_index_and_upgrade_fills_it_from_existing_rows(app):
    people(("Pim Jansen", "pim@example.org"))
    db.session.remove()
    assert _search_objects()
    downgrade(revision="0007")
    assert _search_objects() == set()
    with db.engine.begin() as conn:  # added while there was no index (and, on SQLite, no trigger)
        conn.execute(sa.text("INSERT INTO candidates (name, email, created_at) "
                             "VALUES ('Anna de Vries', 'anna@example.org', '2026-01-01 00:00:00')"))
    upgrade()
    if _dialect() == "sqlite":
        assert _search_objects() == {SEARCH_TABLE, f"{SEARCH_TABLE}_data", f"{SEARCH_TABLE}_idx",
                                     f"{SEARCH_TABLE}_config", "candidates_search_insert",
                                     "candidates_search_delete", "candidates_search_update"}
        _integrity_check()
    else:
        assert _search_objects() == TRIGRAM_INDEXES
    assert found("jansen") == {"Pim Jansen"} and found("vries") == {"Anna de Vries"}


def test_schema_comparisons_leave_the_index_out(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, db.metadata) == []


def test_a_missing_extension_stops_the_migration_with_what_to_do(app, monkeypatch):
    postgres_only()
    spec = importlib.util.spec_from_file_location("migration_0008", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    monkeypatch.setattr(migration, "EXTENSION", "pg_trgm_not_on_this_server")
    with db.engine.connect() as conn, pytest.raises(RuntimeError) as raised:
        migration._require_pg_trgm(conn)
    message = str(raised.value)
    assert "needs the PostgreSQL extension pg_trgm_not_on_this_server" in message
    assert "postgresql-contrib" in message and 'CREATE EXTENSION pg_trgm_not_on_this_server;' in message
