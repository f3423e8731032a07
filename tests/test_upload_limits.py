"""Request size limits: Werkzeug refuses a too-large request before any form is parsed, with a clear 413 page."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from hiring import create_app
from hiring.extensions import db
from hiring.models import Candidate, Role
from hiring.pipeline.importing import MAX_BYTES
from tests import factories

MB = 1024 * 1024


class WatchedStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, data: bytes = b"--x--\r\n"):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.bytes_read += len(line)
        return line

    def readinto(self, buffer):
        n = super().readinto(buffer)
        self.bytes_read += n
        return n


def _multipart(data: dict) -> dict:
    """A multipart body built in memory: the test client spools large ones to temporary files that an
    unread request would leave open."""
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return {"input_stream": stream, "content_type": f"multipart/form-data; boundary={boundary}",
            "environ_overrides": {"CONTENT_LENGTH": str(length)}}


@pytest.mark.parametrize("path", ["/pipeline/import", "/login"])
def test_a_300_mb_anonymous_post_is_refused_before_its_body_is_read(make_app, path):
    # As in production: CSRF on, so that the CSRF check would parse the form if Werkzeug did not refuse first.
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    body = WatchedStream()
    # The header claims 300 MB (the test client would otherwise count the short body itself).
    response = client.post(path, input_stream=body, content_type="multipart/form-data; boundary=x",
                           environ_overrides={"CONTENT_LENGTH": str(300 * MB)})
    assert response.status_code == 413
    assert body.bytes_read == 0
    html = response.get_data(as_text=True)
    assert "Too large" in html and "<main" in html  # the site's layout, not Werkzeug's bare page
    assert "What you sent is larger than the 16 MB this site accepts at a time. Nothing was saved" in html


def test_a_body_without_a_length_is_cut_off_at_the_limit(make_app):
    client = make_app(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=1 * MB).test_client()
    body = WatchedStream(b"--x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + b"a" * (3 * MB))
    # A chunked upload: no Content-Length, the server marks the stream as ending by itself.
    response = client.post("/login", input_stream=body, content_type="multipart/form-data; boundary=x",
                           environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
    assert response.status_code == 413
    assert 0 < body.bytes_read <= 1 * MB + 64 * 1024  # read up to the limit (and a buffer), not the 3 MB
    assert "Too large" in response.get_data(as_text=True)


def test_a_signed_in_upload_over_the_limit_imports_nothing(app, make_app):
    small = make_app(MAX_CONTENT_LENGTH=1 * MB)
    user = factories.user(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    client = small.test_client()
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    rows = "".join(f"P{i},p{i}@example.org,Loyalty team\n" for i in range(60_000))  # about 2 MB
    upload = FileStorage(io.BytesIO(("name,email,job\n" + rows).encode()), "big.csv")
    response = client.post("/pipeline/import", **_multipart({"file": upload}))
    assert response.status_code == 413
    assert "larger than the 1 MB this site accepts" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0


def test_a_typed_field_over_the_form_memory_limit_gets_the_general_message(client):
    response = client.post("/login", **_multipart({"email": "a" * 600_000, "password": "x"}))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "What you sent is too large for this site. Nothing was saved." in html


def test_the_default_limit_holds_the_largest_upload(tmp_path, monkeypatch):
    monkeypatch.delenv("MAX_REQUEST_MB", raising=False)
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}).config
    assert config["MAX_CONTENT_LENGTH"] == 16 * MB
    assert config["MAX_CONTENT_LENGTH"] >= MAX_BYTES + MB  # a full CSV import and the form around it
    assert config["MAX_CONTENT_LENGTH"] >= 10 * MB + MB  # and the CV upload that is coming (issue 20)
    assert config["MAX_FORM_MEMORY_SIZE"] == 500_000 and config["MAX_FORM_PARTS"] == 1000


def test_the_limit_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MAX_REQUEST_MB", "32")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}).config[
        "MAX_CONTENT_LENGTH"] == 32 * MB
    for bad in ("0", "-1", "16MB", "1.5"):
        monkeypatch.setenv("MAX_REQUEST_MB", bad)
        with pytest.raises(ValueError, match="MAX_REQUEST_MB"):
            create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
