"""A candidate's files: checked by content (PDF, DOCX, ODT; zips never inflated), listed on the candidate page,
downloaded only as attachments under a name of ids, deleted, erased with the candidate, kept by backups."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from hiring import attachments, create_app, files
from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    CandidateFile,
    FileChunk,
    FileKind,
    Role,
    Stage,
    StageChange,
    StoredFile,
    utcnow,
)
from hiring.pipeline import files_service
from hiring.privacy.service import erase
from tests import factories

MB = 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


# --- tiny real documents --------------------------------------------------------------------------------------------

def pdf_bytes(text: str = "Curriculum vitae") -> bytes:
    """A minimal PDF: header, one object, trailer."""
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + text.encode() +
            b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def docx_bytes(*, document: bytes = b"<w:document/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def odt_bytes(mimetype: bytes = ODT_TYPE.encode()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _inspect(content: bytes, max_bytes: int = 10 * MB) -> attachments.Detected:
    return attachments.inspect(io.BytesIO(content), max_bytes)


def _refused(content: bytes, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(attachments.Refused) as refused:
        _inspect(content, max_bytes)
    return refused.value.reason


@pytest.fixture
def opened(monkeypatch):
    """The names of zip entries whose content is read (inflated): only ODT's mimetype ever may be."""
    names = []
    real = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        if mode == "r":  # building the test's own zips writes through open() too
            names.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return names


# --- the content check (pure) ---------------------------------------------------------------------------------------

def test_each_accepted_type_is_told_by_its_content(opened):
    assert _inspect(pdf_bytes()) == attachments.Detected("pdf", "application/pdf", len(pdf_bytes()))
    assert _inspect(docx_bytes()).content_type == DOCX_TYPE
    assert _inspect(odt_bytes()).content_type == ODT_TYPE
    assert opened == ["mimetype"]  # DOCX is known by its directory alone


def test_what_is_not_one_of_them_is_refused_with_its_reason():
    assert _refused(b"") == attachments.EMPTY
    assert _refused(b"<html><script>alert(1)</script></html>") == attachments.UNSUPPORTED  # "cv.pdf" or not
    assert _refused(b"%PDF") == attachments.UNSUPPORTED  # not even the header
    assert _refused(b"MZ\x90\x00" + bytes(100)) == attachments.UNSUPPORTED
    assert _refused(pdf_bytes(), max_bytes=10) == attachments.TOO_LARGE
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "a zip, but no document")
    assert _refused(out.getvalue()) == attachments.UNSUPPORTED
    assert _refused(odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet")) == attachments.OTHER_OPENDOCUMENT
    assert _refused(odt_bytes(b"application/vnd.oasis.opendocument.textX")) == attachments.OTHER_OPENDOCUMENT
    assert _refused(docx_bytes()[:-30]) == attachments.DAMAGED  # cut short: no end of directory
    assert _refused(b"PK\x03\x04" + bytes(200)) == attachments.DAMAGED


def test_the_size_limit_is_inclusive():
    content = pdf_bytes()
    assert _inspect(content, max_bytes=len(content)).size == len(content)
    assert _refused(content, max_bytes=len(content) - 1) == attachments.TOO_LARGE


def test_a_zip_bomb_is_never_inflated(opened):
    # 64 MB of zeros deflate to about 64 KB: as word/document.xml it is a DOCX, told without reading it.
    bomb = docx_bytes(document=bytes(64 * MB))
    assert len(bomb) < MB
    assert _inspect(bomb).kind == "docx"
    assert opened == []
    # An ODT whose mimetype entry is deflated, or declares a huge size: refused without a byte inflated.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", bytes(64 * MB), compress_type=zipfile.ZIP_DEFLATED)
    assert _refused(out.getvalue()) == attachments.DAMAGED
    liar = bytearray(odt_bytes())
    # The mimetype entry's uncompressed size in the central directory (offset 24 of its record): 2 GB.
    first = liar.find(b"PK\x01\x02")
    liar[first + 24:first + 28] = (2**31).to_bytes(4, "little")
    assert _refused(bytes(liar)) == attachments.DAMAGED
    assert opened == []


def test_too_many_entries_are_refused_before_the_directory_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(attachments.MAX_ENTRIES):
            archive.writestr(f"word/media/{n}.xml", "")
    assert _refused(out.getvalue()) == attachments.TOO_MANY_ENTRIES


@pytest.mark.parametrize(("given", "shown"), [
    ("C:\\Users\\ann\\cv.pdf", "cv.pdf"),
    ("../../etc/passwd", "passwd"),
    ("  my   cv\t.pdf ", "my cv .pdf"),
    ("cv\u202egpj.pdf", "cvgpj.pdf"),  # a direction override removed
    ("e\u0301cole.pdf", "école.pdf"),  # NFC
    ("", "file"),
    (None, "file"),
    ("\x00\x01", "file"),
    ("<script>alert(1)</script>.pdf", "script>.pdf"),  # a path's last segment, like any other
    ('<b onclick="x">cv<script>.pdf', '<b onclick="x">cv<script>.pdf'),  # kept: the page escapes it
])
def test_display_names_are_made_safe_to_show(given, shown):
    assert attachments.display_name(given) == shown


def test_a_long_display_name_keeps_its_extension():
    name = attachments.display_name("x" * 500 + ".docx")
    assert len(name) == attachments.DISPLAY_NAME_MAX and name.endswith("xx.docx")


# --- the candidate page -------------------------------------------------------------------------------------------

def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _upload(client, candidate_id: int, content: bytes, name: str, kind: str = "cv",
            content_type: str = "application/pdf"):
    """Post the upload form. The body is built in memory: the test client spools a large one to a temporary
    file that a refused request would leave open (tests/test_upload_limits.py)."""
    data = {"upload-file": FileStorage(io.BytesIO(content), name, content_type=content_type), "upload-kind": kind}
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(f"/pipeline/candidates/{candidate_id}/files", input_stream=stream,
                       content_type=f"multipart/form-data; boundary={boundary}",
                       environ_overrides={"CONTENT_LENGTH": str(length)})


def _only_file() -> CandidateFile:
    return db.session.scalars(sa.select(CandidateFile)).one()


@pytest.mark.parametrize(("content", "name", "content_type", "extension"), [
    (pdf_bytes(), "Ada CV.pdf", "application/pdf", "pdf"),
    (docx_bytes(), "Ada CV.docx", DOCX_TYPE, "docx"),
    (odt_bytes(), "Ada CV.odt", ODT_TYPE, "odt"),
    # DOCX bytes under a .pdf name and the browser's word for it: a DOCX, downloaded as one.
    (docx_bytes(), "Ada CV.pdf", DOCX_TYPE, "docx"),
])
def test_each_type_is_uploaded_listed_and_downloaded_as_an_attachment(client, login_as, content, name,
                                                                      content_type, extension):
    recruiter = login_as(Role.RECRUITER, name="Rita Recruiter")
    candidate = factories.application().candidate
    db.session.commit()
    response = _upload(client, candidate.id, content, name)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{candidate.id}#files")
    document = _only_file()
    assert (document.kind, document.display_name, document.content_type, document.size,
            document.uploaded_by_id) == (FileKind.CV, name, content_type, len(content), recruiter.id)
    stored = db.session.get(StoredFile, document.file_id)
    assert stored.expires_at is None and stored.owner_id is None

    page = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert name in page and "Rita Recruiter" in page
    url = f"/pipeline/candidates/{candidate.id}/files/{document.id}"
    assert f'href="{url}"' in page

    download = client.get(url)
    assert download.status_code == 200 and download.get_data() == content
    assert download.headers["Content-Type"] == content_type
    assert download.headers["Content-Disposition"] == f'attachment; filename="cv-candidate-{candidate.id}.{extension}"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Length"] == str(len(content))

    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "candidate_file_added")).one()
    assert (event.entity_type, event.entity_id, event.actor_id) == ("candidate", candidate.id, recruiter.id)
    assert event.details == {"file_id": document.id, "kind": "cv", "type": extension}


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"<html><body>not a pdf</body></html>", "cv.pdf", "This is not a PDF, Word (DOCX) or OpenDocument text"),
    (b"", "cv.pdf", "The file is empty."),
    (odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"), "cv.odt", "is not a text document (ODT)"),
])
def test_a_refused_file_is_explained_beside_the_field_and_nothing_is_kept(client, login_as, content, name, message):
    login_as(Role.HR)
    candidate = factories.application().candidate
    db.session.commit()
    response = _upload(client, candidate.id, content, name, kind="cover_letter")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="upload-file-error"' in html and message in html
    assert '<option selected value="cover_letter">' in html  # the chosen kind is kept
    assert (_count(CandidateFile), _count(StoredFile), _count(FileChunk)) == (0, 0, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "candidate_file_added")) == 0


def test_no_file_chosen_is_said_beside_the_field(client, login_as):
    login_as(Role.RECRUITER)
    candidate = factories.candidate()
    db.session.commit()
    response = client.post(f"/pipeline/candidates/{candidate.id}/files", data={"upload-kind": "other"})
    assert response.status_code == 400 and "Choose the file to upload." in response.get_data(as_text=True)


def test_a_file_over_attachment_max_is_refused_and_a_request_over_the_request_limit_is_413(
        client, login_as, app, monkeypatch, make_app):
    login_as(Role.RECRUITER)
    candidate = factories.candidate()
    db.session.commit()
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", MB)
    big = pdf_bytes() + bytes(MB)
    response = _upload(client, candidate.id, big, "cv.pdf")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The file is larger than the 1 MB allowed." in html and "at most 1 MB" in html
    assert _count(StoredFile) == 0
    # Past MAX_CONTENT_LENGTH the request is refused before any form is parsed, with the site's 413 page.
    small = make_app(MAX_CONTENT_LENGTH=MB).test_client()
    user = factories.user(Role.RECRUITER)
    db.session.commit()
    assert small.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    response = _upload(small, candidate.id, big, "cv.pdf")
    assert response.status_code == 413
    assert "larger than the 1 MB this site accepts at a time" in response.get_data(as_text=True)
    assert _count(StoredFile) == 0


def test_a_script_in_the_file_name_is_escaped_on_the_page_and_absent_from_the_download(client, login_as):
    login_as(Role.RECRUITER)
    candidate = factories.candidate()
    db.session.commit()
    name = "<script>alert('x')<script>.pdf"
    assert _upload(client, candidate.id, pdf_bytes(), name).status_code == 302
    html = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;script&gt;.pdf" in html
    download = client.get(f"/pipeline/candidates/{candidate.id}/files/{_only_file().id}")
    assert download.headers["Content-Disposition"] == f'attachment; filename="cv-candidate-{candidate.id}.pdf"'


def test_delete_removes_row_and_content_audited_with_ids_only(client, login_as):
    admin = login_as(Role.ADMIN)
    candidate = factories.candidate()
    db.session.commit()
    _upload(client, candidate.id, pdf_bytes(), "Ada's private CV.pdf", kind="other")
    _upload(client, candidate.id, docx_bytes(), "keep.docx")
    gone = db.session.scalar(sa.select(CandidateFile).where(CandidateFile.kind == FileKind.OTHER))
    gone_id, gone_file = gone.id, gone.file_id
    db.session.rollback()
    response = client.post(f"/pipeline/candidates/{candidate.id}/files/delete", data={"file_id": gone_id})
    assert response.status_code == 302
    assert db.session.get(CandidateFile, gone_id) is None and db.session.get(StoredFile, gone_file) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FileChunk)
                             .where(FileChunk.file_id == gone_file)) == 0
    assert _only_file().display_name == "keep.docx"
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "candidate_file_deleted")).one()
    assert (event.actor_id, event.entity_id, event.details) == (admin.id, candidate.id,
                                                                {"file_id": gone_id, "kind": "other"})
    texts = " ".join(str(e.details) for e in db.session.scalars(sa.select(AuditEvent)))
    assert "private" not in texts and ".pdf" not in texts and ".docx" not in texts
    # Deleted once: again, it is unknown.
    assert client.post(f"/pipeline/candidates/{candidate.id}/files/delete",
                       data={"file_id": gone_id}).status_code == 404


def test_wrong_ids_are_404_and_another_candidates_file_is_unknown_here(client, login_as):
    login_as(Role.RECRUITER)
    ann, bob = factories.candidate(), factories.candidate()
    db.session.commit()
    _upload(client, ann.id, pdf_bytes(), "ann.pdf")
    file_id = _only_file().id
    db.session.rollback()
    assert client.get(f"/pipeline/candidates/{bob.id}/files/{file_id}").status_code == 404
    assert client.get(f"/pipeline/candidates/{ann.id}/files/999999").status_code == 404
    assert client.get(f"/pipeline/candidates/999999/files/{file_id}").status_code == 404
    for data in ({"file_id": file_id}, {"file_id": "abc"}, {"file_id": "-1"}, {}):
        assert client.post(f"/pipeline/candidates/{bob.id}/files/delete", data=data).status_code == 404
    assert client.post("/pipeline/candidates/999999/files/delete", data={"file_id": file_id}).status_code == 404
    assert _upload(client, 999999, pdf_bytes(), "x.pdf").status_code == 404
    assert _count(CandidateFile) == 1


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.NEW_HIRE])
def test_roles_that_do_not_see_the_candidate_may_not_download_upload_or_delete(client, login_as, auth, role):
    login_as(Role.RECRUITER)
    application = factories.application(stage=Stage.INTERVIEWING)
    db.session.commit()
    _upload(client, application.candidate_id, pdf_bytes(), "cv.pdf")
    file_id = _only_file().id
    db.session.rollback()
    auth.logout()
    # Even the interviewer assigned to the candidate: the candidate page is the recruiting roles' alone.
    user = login_as(role)
    if role is Role.INTERVIEWER:
        factories.assignment(application, user)
        db.session.commit()
    cid = application.candidate_id
    assert client.get(f"/pipeline/candidates/{cid}/files/{file_id}").status_code == 403
    assert _upload(client, cid, pdf_bytes(), "more.pdf").status_code == 403
    assert client.post(f"/pipeline/candidates/{cid}/files/delete", data={"file_id": file_id}).status_code == 403
    auth.logout()
    assert client.get(f"/pipeline/candidates/{cid}/files/{file_id}").status_code == 302  # to sign in
    assert _count(CandidateFile) == 1


def test_the_candidate_page_runs_the_same_statements_with_none_or_many_files(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    candidate = factories.application().candidate
    db.session.commit()
    url = f"/pipeline/candidates/{candidate.id}"
    client.get(url)  # each count after a first look, so that both find the same rows already loaded
    with count_queries() as none:
        assert client.get(url).status_code == 200
    for n in range(6):
        _upload(client, candidate.id, pdf_bytes(f"cv {n}"), f"cv {n}.pdf", kind=["cv", "cover_letter", "other"][n % 3])
    client.get(url)
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert html.count("/files/") >= 6 and "Cover letter" in html
    assert many.count == none.count


def test_an_anonymised_candidate_takes_no_files(client, login_as):
    login_as(Role.RECRUITER)
    candidate = factories.candidate()
    candidate.anonymised_at = utcnow()
    db.session.commit()
    assert 'name="upload-file"' not in client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert _upload(client, candidate.id, pdf_bytes(), "cv.pdf").status_code == 409
    assert _count(StoredFile) == 0


# --- erasure, expiry and backups ------------------------------------------------------------------------------------

def _add(candidate_id: int, content: bytes, name: str, kind=FileKind.CV) -> CandidateFile:
    return files_service.add_file(db.session, candidate_id, stream=io.BytesIO(content), filename=name, kind=kind,
                                  actor_id=None)


def _files_of(candidate_id: int) -> tuple[int, int, int]:
    """(candidate_files rows, stored_files rows, file_chunks rows) of the candidate's documents."""
    ids = sa.select(CandidateFile.file_id).where(CandidateFile.candidate_id == candidate_id)
    return (db.session.scalar(sa.select(sa.func.count()).select_from(CandidateFile)
                              .where(CandidateFile.candidate_id == candidate_id)),
            db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile).where(StoredFile.id.in_(ids))),
            db.session.scalar(sa.select(sa.func.count()).select_from(FileChunk).where(FileChunk.file_id.in_(ids))))


def test_erasure_deletes_the_candidates_files_and_leaves_others(app):
    hr = factories.user(Role.HR)
    erased, kept = factories.application().candidate, factories.application().candidate
    for candidate in (erased, kept):
        _add(candidate.id, pdf_bytes(), "Zebulon Quackenbush CV.pdf")
        _add(candidate.id, docx_bytes(), "letter.docx", FileKind.COVER_LETTER)
    db.session.commit()
    assert _files_of(erased.id) == (2, 2, 2)
    stored = [f.file_id for f in db.session.scalars(sa.select(CandidateFile)
                                                   .where(CandidateFile.candidate_id == erased.id))]
    erase(db.session, erased.id, reason="Asked by e-mail", actor_id=hr.id, now=utcnow())
    db.session.commit()
    assert _files_of(erased.id) == (0, 0, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile).where(StoredFile.id.in_(stored))) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FileChunk)
                             .where(FileChunk.file_id.in_(stored))) == 0
    assert _files_of(kept.id) == (2, 2, 2)
    names = db.session.scalars(sa.select(CandidateFile.display_name)).all()
    assert "letter.docx" in names  # the other candidate's


def test_the_retention_purge_deletes_the_files_of_those_it_anonymises(app, runner):
    now = utcnow()
    due = factories.application(stage=Stage.REJECTED)
    due.stage_changed_at = now - timedelta(days=60)
    db.session.add(StageChange(application=due, from_stage=Stage.APPLIED, to_stage=Stage.REJECTED,
                               changed_at=now - timedelta(days=60)))
    still_open = factories.application()
    _add(due.candidate_id, pdf_bytes(), "due.pdf")
    _add(still_open.candidate_id, pdf_bytes(), "open.pdf")
    db.session.commit()
    result = runner.invoke(args=["purge-candidates"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _files_of(due.candidate_id) == (0, 0, 0)
    assert _files_of(still_open.candidate_id) == (1, 1, 1)


def test_the_expiry_purge_leaves_candidates_files_alone(app):
    candidate = factories.candidate()
    _add(candidate.id, pdf_bytes(), "cv.pdf")
    report = files.store(db.session, "report.pdf", "application/pdf", pdf_bytes(),
                         expires_at=utcnow() - timedelta(hours=1))
    report_id = report.id
    db.session.commit()
    assert files.purge_expired(db.session, now=utcnow() + timedelta(days=3650)) == 1
    db.session.commit()
    assert db.session.get(StoredFile, report_id) is None
    assert _files_of(candidate.id) == (1, 1, 1)


def test_a_candidate_with_files_cannot_be_deleted_as_a_row(app):
    from sqlalchemy.exc import IntegrityError

    from hiring.models import Candidate

    candidate = factories.candidate()
    _add(candidate.id, pdf_bytes(), "cv.pdf")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.delete(Candidate).where(Candidate.id == candidate.id))
        db.session.flush()
    db.session.rollback()


def test_a_file_survives_backup_and_restore(tmp_path):
    # The document's words are read in the upload itself (FILE_TEXT_BACKGROUND off, as in the other tests): a
    # reading thread's write would meet this test's, made outside a request (no BEGIN IMMEDIATE), on SQLite.
    app = create_app({"TESTING": True, "SECRET_KEY": "files-backup", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "FILE_TEXT_BACKGROUND": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite'}"})
    # Larger than one chunk, so that the copy must keep every chunk in order.
    content = docx_bytes(document=bytes(range(256)) * (5 * files.CHUNK // 256 // 2))
    try:
        with app.app_context():
            upgrade()
            candidate = factories.candidate()
            document = _add(candidate.id, content, "cv.docx")
            candidate_id, file_id = candidate.id, document.id
            factories.user(Role.RECRUITER, email="rec@example.test")
            db.session.commit()
            db.session.remove()
        runner = app.test_cli_runner()
        copy = tmp_path / "copy.sqlite"
        assert runner.invoke(args=["backup", "--output", str(copy)]).exit_code == 0
        with app.app_context():  # lost after the backup
            files_service.delete_file(db.session, candidate_id, file_id, actor_id=None)
            db.session.commit()
            assert db.session.scalar(sa.select(sa.func.count()).select_from(FileChunk)) == 0
            db.session.remove()
        result = runner.invoke(args=["restore", str(copy), "--yes"])
        assert result.exit_code == 0, result.output
        client = app.test_client()
        assert client.post("/login", data={"email": "rec@example.test",
                                           "password": factories.PASSWORD}).status_code == 302
        download = client.get(f"/pipeline/candidates/{candidate_id}/files/{file_id}")
        assert download.status_code == 200 and download.get_data() == content
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- settings -------------------------------------------------------------------------------------------------------

def test_attachment_max_mb_is_read_checked_and_the_request_limit_follows_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("MAX_REQUEST_MB", raising=False)
    base = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}
    monkeypatch.delenv("ATTACHMENT_MAX_MB", raising=False)
    config = create_app(base).config
    assert config["ATTACHMENT_MAX_BYTES"] == 10 * MB and config["MAX_CONTENT_LENGTH"] == 16 * MB
    monkeypatch.setenv("ATTACHMENT_MAX_MB", "20")
    config = create_app(base).config
    assert config["ATTACHMENT_MAX_BYTES"] == 20 * MB and config["MAX_CONTENT_LENGTH"] == 21 * MB
    for bad in ("0", "-1", "10MB", "1.5"):
        monkeypatch.setenv("ATTACHMENT_MAX_MB", bad)
        with pytest.raises(ValueError, match="ATTACHMENT_MAX_MB"):
            create_app(base)
    monkeypatch.setenv("ATTACHMENT_MAX_MB", "300")
    with pytest.raises(ValueError, match="FILE_MAX_MB"):
        create_app(base)
