"""CSV import: every row is checked first; all rows are imported, or none with every problem by row number."""
from __future__ import annotations

import io

import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import Application, AuditEvent, Candidate, JobStatus, Role, StageChange
from tests import factories

HEADER = "name,email,phone,source,job\n"


def _rows(n: int, job: str, start: int = 1) -> str:
    return "".join(f"Person {i},person{i}@example.org,+31 6 {i:08d},Referral,{job}\n" for i in range(start, start + n))


def _post(client, content: str | bytes, filename: str = "candidates.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/pipeline/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_good_file_imports_every_row(client, login_as):
    me = login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    db.session.commit()
    response = _post(client, HEADER + _rows(3, "loyalty team "))  # titles match trimmed and in any case
    assert response.status_code == 302
    assert _count(Candidate) == 3 and _count(Application) == 3
    change = db.session.scalars(sa.select(StageChange)).first()
    assert change.changed_by_id == me.id and change.from_stage is None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "candidates_imported")) is not None
    assert all(a.job_id == job.id for a in db.session.scalars(sa.select(Application)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 3 applications: 3 new candidates, 0 already known." in page


def test_bad_email_on_row_7_and_missing_job_on_row_12_import_nothing(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    lines = _rows(11, "Loyalty team").splitlines(keepends=True)
    lines[5] = "Bad Mail,not-an-email,,,Loyalty team\n"  # spreadsheet row 7 (header is row 1)
    lines[10] = "No Job,nojob@example.org,,,\n"            # row 12
    response = _post(client, HEADER + "".join(lines))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported: 2 problems in the file." in html
    assert '<td class="num">7</td><td>email</td>' in html and "not-an-email" in html
    assert '<td class="num">12</td><td>job</td><td>The job is missing.</td>' in html
    assert _count(Candidate) == 0 and _count(Application) == 0


def test_unknown_and_closed_jobs_are_reported(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Closed one", status=JobStatus.CLOSED)
    db.session.commit()
    html = _post(client, HEADER + _rows(1, "Closed one") + _rows(1, "Astronaut", start=2)).get_data(as_text=True)
    assert "There is no open job called &#39;Closed one&#39;." in html
    assert "There is no open job called &#39;Astronaut&#39;." in html
    assert _count(Candidate) == 0


def test_an_empty_file_is_refused(client, login_as):
    login_as(Role.RECRUITER)
    html = _post(client, "").get_data(as_text=True)
    assert "The file is empty." in html
    html = _post(client, HEADER).get_data(as_text=True)
    assert "holds no candidates" in html


def test_a_file_that_is_not_csv_is_refused(client, login_as):
    login_as(Role.RECRUITER)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    response = _post(client, png, "photo.png")
    assert response.status_code == 400
    assert "This is not a CSV file" in response.get_data(as_text=True)
    latin1 = "name,email,job\nJos\xe9,jose@example.org,Loyalty\n".encode("latin-1")
    assert "UTF-8" in _post(client, latin1).get_data(as_text=True)
    prose = "Dear recruiter,\nplease find attached my CV.\n"
    assert "the first row must name the columns" in _post(client, prose).get_data(as_text=True)
    assert _count(Candidate) == 0


def test_no_file_chosen(client, login_as):
    login_as(Role.RECRUITER)
    response = client.post("/pipeline/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a CSV file to import." in response.get_data(as_text=True)


def test_a_5000_row_file_imports_in_full(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    factories.candidate(email="person17@example.org")  # one of them is known already
    db.session.commit()
    with count_queries() as counter:
        response = _post(client, HEADER + _rows(5000, "Loyalty team"))
    assert response.status_code == 302
    assert _count(Application) == 5000 and _count(Candidate) == 5000
    assert counter.count < 200  # bulk work, not a query per row


def test_known_candidates_are_recognised_not_duplicated(client, login_as):
    login_as(Role.RECRUITER)
    first, second = factories.job(title="First"), factories.job(title="Second")
    known = factories.candidate(name="Known Person", email="known@example.org")
    factories.application(first, known)
    db.session.commit()
    content = HEADER + "Known P.,KNOWN@example.org,,,Second\nNew Person,new@example.org,,,Second\n" \
        "New Person,new@example.org,,,First\n"
    response = _post(client, content)
    assert response.status_code == 302
    assert _count(Candidate) == 2
    assert db.session.get(Candidate, known.id).name == "Known Person"  # never overwritten by an import
    assert _count(Application) == 4
    assert second.id in db.session.scalars(sa.select(Application.job_id).where(Application.candidate_id == known.id)).all()


def test_duplicates_are_reported(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    factories.application(job, factories.candidate(email="already@example.org"))
    db.session.commit()
    content = HEADER + "A,already@example.org,,,Loyalty team\nB,twice@example.org,,,Loyalty team\n" \
        "b,twice@example.org,,,Loyalty team\n"  # the same name in other case: the same person
    html = _post(client, content).get_data(as_text=True)
    assert "already@example.org has already applied to Loyalty team." in html
    assert "Same candidate and job as row 3." in html
    assert _count(Application) == 1


def test_semicolon_separated_files_from_a_dutch_spreadsheet(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    content = "\ufeffName;Email;Job\nAnna;anna@example.org;Loyalty team\n"
    assert _post(client, content).status_code == 302
    assert _count(Candidate) == 1


def test_interviewers_cannot_import(client, login_as):
    login_as(Role.INTERVIEWER)
    assert client.get("/pipeline/import").status_code == 403
    assert _post(client, HEADER).status_code == 403


def _names() -> list[str]:
    return db.session.scalars(sa.select(Candidate.name).order_by(Candidate.email)).all()


def test_doubled_quotes_are_one_quote_as_rfc_4180_says(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    # As LibreOffice and Excel write a name with quotes in it; the sniffer used to turn doubled quotes off.
    content = 'name,email,job\r\n"Anna ""Annie"" Smith",anna@example.org,Loyalty team\r\n'
    assert _post(client, content).status_code == 302
    assert _names() == ['Anna "Annie" Smith']


def test_a_dutch_excel_export_semicolons_bom_crlf_quotes_and_line_breaks(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    # Excel "CSV UTF-8" in a Dutch locale: BOM, semicolons, CRLF; quoted values holding the separator, a
    # doubled quote and a line break (Alt+Enter in a cell), which must stay inside their rows.
    content = ('\ufeffName;Email;Phone;Source;Job\r\n'
               '"de Vries; Anna";anna@example.org;"+31 6 1234";"Referral\r\nby Bob";Loyalty team\r\n'
               '"Jan ""JJ"" Jansen";jan@example.org;;"Beurs, Utrecht";Loyalty team\r\n')
    assert _post(client, content.encode("utf-8")).status_code == 302
    assert _names() == ["de Vries; Anna", 'Jan "JJ" Jansen']
    sources = db.session.scalars(sa.select(Candidate.source).order_by(Candidate.email)).all()
    assert sources == ["Referral\r\nby Bob", "Beurs, Utrecht"]


def test_a_comma_file_whose_names_hold_semicolons_is_read_with_commas(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    content = 'name,email,job\n"A; B",ab@example.org,Loyalty team\nC;D,cd@example.org,Loyalty team\n'
    assert _post(client, content).status_code == 302
    assert _names() == ["A; B", "C;D"]


def test_row_numbers_count_rows_as_the_spreadsheet_shows_them(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    # Row 2 spans two lines, row 3 is an empty spreadsheet row; the bad e-mail is on spreadsheet row 4.
    content = HEADER + '"Two\nlines",two@example.org,,,Loyalty team\n,,,,\nBad,not-an-email,,,Loyalty team\n'
    html = _post(client, content).get_data(as_text=True)
    assert '<td class="num">4</td><td>email</td>' in html
    assert _count(Candidate) == 0


def test_a_stray_quote_is_an_error_not_a_changed_name(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    content = HEADER + 'Good,good@example.org,,,Loyalty team\n"Anna "Annie" Smith",anna@example.org,,,Loyalty team\n'
    response = _post(client, content)
    assert response.status_code == 400
    assert "Row 3 could not be read as CSV" in response.get_data(as_text=True)
    unclosed = HEADER + 'Good,good@example.org,,,Loyalty team\n"Anna,anna@example.org,,,Loyalty team\n'
    assert "Row 3 could not be read as CSV" in _post(client, unclosed).get_data(as_text=True)
    assert _count(Candidate) == 0


def test_a_file_holding_only_a_byte_order_mark_is_empty(client, login_as):
    login_as(Role.RECRUITER)
    for content in (b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n"):
        response = _post(client, content)
        assert response.status_code == 400
        assert "The file is empty." in response.get_data(as_text=True)
    assert _count(Candidate) == 0


def test_a_value_over_the_csv_field_limit_is_a_file_error(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    huge = "x" * (128 * 1024 + 1)  # one more than the csv module's field size limit
    for content in (f"name,email,job,{huge}\n", HEADER + f"{huge},a@example.org,,,Loyalty team\n",
                    f'name,email,job\n"{huge}\n'):  # and an unclosed quote swallowing the file
        response = _post(client, content)
        assert response.status_code == 400
        assert "KB" in response.get_data(as_text=True) and "Row " in response.get_data(as_text=True)
    assert "Row 1 holds a value longer than 128 KB" in _post(client, f"name,email,job,{huge}\n").get_data(
        as_text=True)
    assert _count(Candidate) == 0


def test_one_email_under_two_names_is_a_row_error_not_a_merge(client, login_as):
    login_as(Role.RECRUITER)
    first, second = factories.job(title="First"), factories.job(title="Second")
    db.session.commit()
    content = HEADER + "Anna Smith,anna@example.org,,,First\nBen Jones,ben@example.org,,,First\n" \
        "Annabel Smythe,ANNA@example.org,,,Second\n"
    response = _post(client, content)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<td class="num">4</td><td>name</td><td>Row 2 gives this e-mail address to &#39;Anna Smith&#39;: ' \
           'one address is one candidate.</td>' in html
    assert "Nothing was imported: 1 problem in the file." in html
    assert _count(Candidate) == 0 and _count(Application) == 0
    # The same name again, in other case and spacing, is the same person applying twice.
    content = HEADER + "Anna Smith,anna@example.org,,,First\nanna  SMITH,anna@example.org,,,Second\n"
    assert _post(client, content).status_code == 302
    assert _names() == ["Anna Smith"] and _count(Application) == 2
    assert {first.id, second.id} == set(db.session.scalars(sa.select(Application.job_id)))
