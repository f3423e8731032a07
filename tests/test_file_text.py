"""Documents' text for the candidate search (issue 20, item 4): read from real PDF, DOCX and ODT files (and typed
letters), never failing on a broken or hostile one; kept as words in a row that goes with the document; found
through an index of its own (FTS5 on SQLite, a GIN index on PostgreSQL) by the candidate list's search box."""
from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta

import docx
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from hiring import filetext, tasks
from hiring.extensions import db
from hiring.models import CandidateFile, Role, Stage, Task, utcnow
from hiring.models.candidate_files import CandidateFileText, TextStatus
from hiring.models import search
from hiring.models.search import TEXT_GIN_INDEX, TEXT_TABLE
from hiring.pipeline import files_service, queries
from hiring.privacy.service import erase
from hiring.tasks import runner as task_runner
from tests import factories
from tests.test_candidate_files import _upload
from tests.test_careers_apply import apply, posted

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


# --- real small documents ---------------------------------------------------------------------------------------

def pdf_of(*pages: str) -> bytes:
    """A real PDF made by WeasyPrint, one page per text."""
    body = "".join(f'<p style="page-break-after: always">{page}</p>' for page in pages)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def docx_of(text: str, cell: str = "") -> bytes:
    """A real Word document made by python-docx: a paragraph, and a table with one cell."""
    document = docx.Document()
    document.add_paragraph(text)
    if cell:
        document.add_table(rows=1, cols=1).cell(0, 0).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_of(content_xml: str | bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """An OpenDocument text: its stored mimetype first, then content.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT_TYPE.encode(), compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content_xml, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>", compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def odt_text(*paragraphs: str) -> bytes:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return odt_of(f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF}><office:body>'
                  f'<office:text><text:h>Curriculum</text:h>{body}<table:table><table:table-row><table:table-cell>'
                  f'<text:p>Celtext</text:p></table:table-cell></table:table-row></table:table>'
                  f'</office:text></office:body></office:document-content>')


# --- extraction (pure) ------------------------------------------------------------------------------------------

def test_text_is_read_from_a_real_pdf_docx_odt_and_a_typed_letter():
    pdf = filetext.extract(pdf_of("Ada Zorblatt, <b>Kubernetes</b> engineer", "Second page: coördinator"),
                           "application/pdf")
    assert pdf.reason is None and not pdf.truncated
    assert "Zorblatt" in pdf.text and "Kubernetes engineer" in pdf.text and "coördinator" in pdf.text
    word = filetext.extract(docx_of("Ada   Zorblatt\tWordsmith", cell="Tabulated"), DOCX_TYPE)
    assert word.text == "Ada Zorblatt Wordsmith Tabulated"
    odt = filetext.extract(odt_text("Open Zorblatt", "Document"), ODT_TYPE)
    assert odt.text == "Curriculum Open Zorblatt Document Celtext"
    letter = filetext.extract("Dear team,\r\n\r\nI love customers.\x00".encode(), "text/plain; charset=utf-8")
    assert letter.text == "Dear team, I love customers."


def test_the_content_decides_the_reader_not_the_stored_type():
    assert filetext.extract(docx_of("Zorblatt"), "application/pdf").text == "Zorblatt"


def _zip_bomb_docx() -> bytes:
    """A valid DOCX with a member of 60 MB of zeros, a few dozen kilobytes compressed."""
    out = io.BytesIO(docx_of("Zorblatt"))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", bytes(60 * 1024 * 1024))
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of("Secret Zorblatt"))))
    writer.encrypt(user_password="open sesame", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                  f'<office:document-content {ODF}><office:body><text:p>&lol3;</text:p></office:body>'
                  '</office:document-content>')


@pytest.mark.parametrize(("make", "content_type", "reason"), [
    (lambda: b"%PDF-1.7\n" + os.urandom(4000), "application/pdf", filetext.DAMAGED),
    (lambda: pdf_of("Zorblatt")[:400], "application/pdf", filetext.DAMAGED),
    (lambda: os.urandom(5000), "application/pdf", filetext.UNSUPPORTED),
    (lambda: b"<html><script>alert(1)</script></html>", DOCX_TYPE, filetext.UNSUPPORTED),
    (lambda: b"", "application/pdf", filetext.DAMAGED),
    (_zip_bomb_docx, DOCX_TYPE, filetext.TOO_LARGE),
    (lambda: docx_of("Zorblatt")[:-30], DOCX_TYPE, filetext.DAMAGED),
    (lambda: odt_of(BILLION_LAUGHS), ODT_TYPE, filetext.DAMAGED),
    (lambda: odt_of("<office:document-content"), ODT_TYPE, filetext.DAMAGED),
    (_encrypted_pdf, "application/pdf", filetext.ENCRYPTED),
    (lambda: _blank_pdf(), "application/pdf", filetext.NO_TEXT),
])
def test_broken_hostile_or_empty_documents_give_no_text_and_a_reason_never_an_exception(make, content_type,
                                                                                        reason):
    extracted = filetext.extract(make(), content_type)
    assert extracted.text is None and extracted.reason == reason


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_zip_bomb_member_is_never_inflated(monkeypatch):
    opened = []
    real = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real(self, name, mode, *args, **kwargs)

    bomb = _zip_bomb_docx()
    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert filetext.extract(bomb, DOCX_TYPE).reason == filetext.TOO_LARGE
    assert opened == []


def test_deeply_nested_xml_is_read_without_recursion():
    depth = 50_000
    xml = (f'<office:document-content {ODF}><office:body>' + "<text:span>" * depth + "Deep" +
           "</text:span>" * depth + "</office:body></office:document-content>")
    extracted = filetext.extract(odt_of(xml), ODT_TYPE)
    assert extracted.text == "Deep" or extracted.reason == filetext.DAMAGED  # read, or refused: never raised


def test_pages_and_characters_are_bounded(monkeypatch):
    many = filetext.extract(pdf_of(*[f"Page{n}" for n in range(filetext.MAX_PAGES + 3)]), "application/pdf")
    last = filetext.MAX_PAGES - 1
    assert many.truncated and f"Page{last}" in many.text and f"Page{last + 1}" not in many.text
    monkeypatch.setattr(filetext, "MAX_CHARS", 20)
    long = filetext.extract(docx_of("Zorblatt " * 50), DOCX_TYPE)
    assert long.truncated and len(long.text) <= 20
    assert filetext.extract(("x" * 100).encode(), "text/plain").truncated


def test_the_search_keeps_distinct_folded_words_and_folds_a_search_alike():
    assert filetext.search_words("Coördinator COÖRDINATOR Élodie groß; GROẞ e-mail x_y " + "z" * 41) == \
        "coordinator elodie gross e mail x y"
    assert filetext.query_words("Coördinator é a 'Élodie' \"") == ["coordinator", "elodie"]
    assert filetext.search_words(None) == ""


# --- the search -------------------------------------------------------------------------------------------------

def _list(client, q: str) -> str:
    response = client.get("/pipeline/", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _candidates_with_cvs(client):
    pim = factories.application(candidate_=factories.candidate(name="Pim Jansen", email="pim@example.org")).candidate
    anna = factories.application(
        candidate_=factories.candidate(name="Anna de Vries", email="anna@example.org")).candidate
    db.session.commit()
    assert _upload(client, pim.id, docx_of("Senior Kubernetes engineer. Zorblattian coördinator.", cell="Feb 2019"),
                   "cv.docx", content_type=DOCX_TYPE).status_code == 302
    assert _upload(client, anna.id, pdf_of("Customer service, Dutch and English"), "cv.pdf").status_code == 302
    return pim, anna


def test_a_word_only_in_a_cv_finds_its_candidate_and_the_list_says_so(client, login_as):
    login_as(Role.RECRUITER)
    pim, anna = _candidates_with_cvs(client)
    html = _list(client, "zorblattian")
    assert "Pim Jansen" in html and "Anna de Vries" not in html and "Found in their documents" in html
    # Every word, each a whole word or (four letters and more) the start of one; accents and case aside.
    for q, expected in [("kubernetes coordinator", {"Pim Jansen"}), ("engin kuber", {"Pim Jansen"}),
                        ("Coördinator", {"Pim Jansen"}), ("kubernetes customer", set()),
                        ("dutch english", {"Anna de Vries"}), ("feb", {"Pim Jansen"}), ("fe", set()),
                        ("kub", set()), ("2019", {"Pim Jansen"})]:
        html = _list(client, q)
        assert {name for name in ("Pim Jansen", "Anna de Vries") if name in html} == expected, q
    # A name found by name is not said to be found in documents; an e-mail search does not read documents.
    html = _list(client, "jansen")
    assert "Pim Jansen" in html and "Found in their documents" not in html
    assert "Anna de Vries" in _list(client, "anna@") and "Pim Jansen" not in _list(client, "anna@")


def test_the_words_and_the_status_are_kept_per_document(client, login_as):
    login_as(Role.RECRUITER)
    pim, anna = _candidates_with_cvs(client)
    rows = {row.candidate_id: row for row in db.session.scalars(sa.select(CandidateFileText))}
    assert rows[pim.id].status == TextStatus.FOUND and "zorblattian" in rows[pim.id].words.split()
    assert rows[anna.id].words.split()[:3] == ["customer", "service", "dutch"]


def test_a_scanned_or_unreadable_document_is_hinted_on_the_candidate_page(client, login_as):
    login_as(Role.RECRUITER)
    candidate = factories.application().candidate
    db.session.commit()
    _upload(client, candidate.id, _blank_pdf(), "scan.pdf")
    html = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "No text found (a scanned image?)" in html
    _upload(client, candidate.id, _encrypted_pdf(), "locked.pdf")
    html = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "Its text could not be read" in html
    statuses = set(db.session.scalars(sa.select(CandidateFileText.status)))
    assert statuses == {TextStatus.NONE, TextStatus.UNREADABLE}
    assert set(db.session.scalars(sa.select(CandidateFileText.reason))) == {"no_text", "encrypted"}


def test_a_careers_application_is_found_by_its_cv_and_its_typed_letter(client, app):
    job = posted()
    assert apply(client, job, cv=pdf_of("Quarkonium specialist"), name="Site Person",
                 cover_letter="I adore Zanzibarian customers.").status_code == 303
    factories.user(Role.RECRUITER, email="rita@example.org")
    db.session.commit()
    client.post("/login", data={"email": "rita@example.org", "password": factories.PASSWORD})
    assert "Site Person" in _list(client, "quarkonium") and "Site Person" in _list(client, "zanzibarian")
    kinds = db.session.execute(sa.select(CandidateFile.kind, CandidateFileText.status).join(
        CandidateFileText, CandidateFileText.candidate_file_id == CandidateFile.id)).all()
    assert sorted((k.value, s.value) for k, s in kinds) == [("cover_letter", "found"), ("cv", "found")]


SCRIPT = "<script>alert('cv')</script>"


def test_script_in_a_cv_or_a_search_is_never_rendered(client, login_as):
    login_as(Role.RECRUITER)
    candidate = factories.application(candidate_=factories.candidate(name="Pim Jansen")).candidate
    db.session.commit()
    _upload(client, candidate.id, docx_of(f"{SCRIPT} Zorblatt <img src=x onerror=alert(2)>"), "cv.docx",
            content_type=DOCX_TYPE)
    assert db.session.scalar(sa.select(CandidateFileText.words)) == "script alert cv zorblatt img src x onerror 2"
    for html in (_list(client, "zorblatt"), _list(client, SCRIPT), _list(client, "script alert"),
                 client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)):
        assert "<script>alert" not in html and "onerror=alert" not in html
    assert "&lt;script&gt;" in _list(client, SCRIPT) and "Pim Jansen" in _list(client, "script alert")


@pytest.mark.parametrize("few", [200, -1])
def test_a_document_search_costs_one_query_more_than_the_list_whatever_it_finds(client, login_as,
                                                                                count_queries, monkeypatch, few):
    monkeypatch.setattr(queries, "FEW_MATCHES", few)
    login_as(Role.RECRUITER)
    job = factories.job()
    people = [factories.application(job, factories.candidate(name=f"Person {i:02d}")).candidate for i in range(30)]
    db.session.commit()
    for person in people[:3]:
        _upload(client, person.id, docx_of("Zorblatt Kubernetes"), "cv.docx", content_type=DOCX_TYPE)
    client.get("/pipeline/")
    with count_queries() as plain:
        client.get("/pipeline/")
    with count_queries() as few_found:
        assert _list(client, "zorblatt kubernetes").count("Found in their documents") == 3
    for person in people[3:]:
        _upload(client, person.id, docx_of("Zorblatt Kubernetes"), "cv.docx", content_type=DOCX_TYPE)
    client.get("/pipeline/")  # as before the first count: what the uploads changed is loaded again once
    with count_queries() as many_found:
        html = client.get("/pipeline/", query_string={"q": "zorblatt kubernetes"}).get_data(as_text=True)
    assert "30 applications" in html and html.count("Found in their documents") == 30
    assert few_found.count == many_found.count == plain.count + 1


def test_documents_are_found_through_their_index_not_by_reading_every_row(app):
    words = ["zorblatt", "kubernetes"]
    stmt = search.document_candidate_ids(words, db.engine.dialect.name)
    if db.engine.dialect.name == "sqlite":
        compiled = stmt.compile(dialect=db.engine.dialect)
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        steps = "\n".join(row[-1] for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", params))
        assert f"{TEXT_TABLE} VIRTUAL TABLE INDEX 0:M" in steps and "SCAN candidate_file_texts" not in steps, steps
        return
    sql = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: make the planner show what it can use
        steps = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}").scalars())
    assert TEXT_GIN_INDEX in steps, steps


# --- the text goes with its document ------------------------------------------------------------------------------

def _index_blocks() -> list[bytes]:
    return sorted(db.session.execute(sa.text(f"SELECT block FROM {TEXT_TABLE}_data WHERE id NOT IN (1, 10)"))
                  .scalars())


def _rebuilt_blocks() -> list[bytes]:
    """The pages of the documents' index built afresh from today's rows (rebuilds the test database's index)."""
    db.session.commit()
    db.session.execute(sa.text(f"INSERT INTO {TEXT_TABLE} ({TEXT_TABLE}) VALUES ('rebuild')"))
    db.session.execute(sa.text(f"INSERT INTO {TEXT_TABLE} ({TEXT_TABLE}) VALUES ('optimize')"))
    blocks = _index_blocks()
    db.session.commit()
    return blocks


def _index_is_exactly_todays_rows() -> None:
    """SQLite: FTS5 agrees with the rows, and no segment holds a deleted document's words any more."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.execute(sa.text(f"INSERT INTO {TEXT_TABLE} ({TEXT_TABLE}, rank) VALUES ('integrity-check', 1)"))
    assert _index_blocks() == _rebuilt_blocks()


def _texts() -> int:
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count()).select_from(CandidateFileText))


def test_deleting_a_file_deletes_its_words_and_the_candidate_is_not_found_by_them(client, login_as):
    login_as(Role.RECRUITER)
    pim, anna = _candidates_with_cvs(client)
    file_id = db.session.scalar(sa.select(CandidateFile.id).where(CandidateFile.candidate_id == pim.id))
    assert client.post(f"/pipeline/candidates/{pim.id}/files/delete", data={"file_id": file_id}).status_code == 302
    assert _texts() == 1 and "Pim Jansen" not in _list(client, "zorblattian")
    assert "Anna de Vries" in _list(client, "customer")
    _index_is_exactly_todays_rows()


def test_erasure_deletes_the_words_and_leaves_others(client, login_as):
    hr = login_as(Role.HR)
    pim, anna = _candidates_with_cvs(client)
    erase(db.session, pim.id, reason="Asked by phone", actor_id=hr.id, now=utcnow())
    db.session.commit()
    assert _texts() == 1 and "No applications match" in _list(client, "zorblattian")
    assert "Anna de Vries" in _list(client, "customer")
    _index_is_exactly_todays_rows()


def test_the_retention_purge_deletes_the_words(client, login_as, runner):
    login_as(Role.RECRUITER)
    pim, anna = _candidates_with_cvs(client)
    application = pim.applications[0]
    application.stage, application.stage_changed_at = Stage.REJECTED, utcnow() - timedelta(days=2000)
    db.session.commit()
    assert "1 candidate anonymised." in runner.invoke(args=["purge-candidates"]).output
    db.session.expire_all()
    assert _texts() == 1 and "Anonymised" not in _list(client, "zorblattian")
    _index_is_exactly_todays_rows()


# --- off the request: the task runner ---------------------------------------------------------------------------

def test_the_task_runner_reads_the_text_after_the_upload_commits(make_app):
    background = make_app(FILE_TEXT_BACKGROUND=True)
    with background.app_context():
        recruiter = factories.user(Role.RECRUITER)
        candidate_id = factories.application().candidate.id
        email = recruiter.email
        db.session.commit()
        db.session.remove()
    client = background.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert _upload(client, candidate_id, docx_of("Zorblatt"), "cv.docx", content_type=DOCX_TYPE).status_code == 302
    assert task_runner.wait_idle(60)
    with background.app_context():
        task = db.session.scalars(sa.select(Task).where(Task.kind == files_service.TEXT_TASK)).one()
        assert task.state == tasks.DONE and set(task.params) == {"file"}  # an id only, nothing of the person
        assert db.session.scalar(sa.select(CandidateFileText.words)) == "zorblatt"
        # A document gone before its task ran: recorded as missing, nothing written.
        tasks.enqueue(db.session, files_service.TEXT_TASK, {"file": 999_999})
        db.session.commit()
        assert task_runner.wait_idle(60)
        failed = db.session.scalars(sa.select(Task).where(Task.state == tasks.FAILED)).one()
        assert failed.error == "missing"
        db.session.remove()
    assert "Found in their documents" in client.get("/pipeline/", query_string={"q": "zorblatt"}).get_data(
        as_text=True)


# --- the migration --------------------------------------------------------------------------------------------

def _text_objects() -> set[str]:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            return set(conn.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE name LIKE 'file_text%' OR name = 'candidate_file_texts'"))
                .scalars())
        names = set(sa.inspect(conn).get_table_names()) & {"candidate_file_texts"}
        if names:
            names |= {ix["name"] for ix in sa.inspect(conn).get_indexes("candidate_file_texts")}
        return names


def test_downgrade_removes_the_table_and_its_index_and_upgrade_makes_them(app):
    db.session.remove()
    made = _text_objects()
    assert "candidate_file_texts" in made
    assert (TEXT_TABLE in made and "file_text_search_delete" in made) if db.engine.dialect.name == "sqlite" \
        else TEXT_GIN_INDEX in made
    downgrade(revision="0015")
    assert _text_objects() == set()
    upgrade()
    assert _text_objects() == made
