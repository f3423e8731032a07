"""A real SMTP server in the test process (aiosmtpd) that collects what arrives, and helpers for the outbox's
tests."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from hiring.extensions import db
from hiring.mail import outbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler: gives the answers in `rcpt_answers` to the first RCPTs, accepts the rest, and keeps
    every message that arrives."""

    def __init__(self):
        self.envelopes: list = []
        self.rcpt_answers: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_answers:
            return self.rcpt_answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.original_content, policy=policy.default) for e in self.envelopes]


class SmtpServer:
    """An SMTP server on a free port of 127.0.0.1, down until started."""

    def __init__(self):
        self.port = free_port()
        self.handler = Collector()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SENDER": "Jobs <jobs@example.test>",
                "MAIL_TIMEOUT": 5, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False, "MAIL_USERNAME": None,
                "MAIL_PASSWORD": None}


def queue(commit: bool = True, **kw):
    """A message queued with believable defaults (and committed)."""
    values = {"to": "jan.jansen@example.test", "subject": "Your application", "text": "Dear Jan,\n\nThank you.",
              "kind": "test", "language": "en"}
    values.update(kw)
    message_id = outbox.queue(db.session, **values).id
    if commit:
        db.session.commit()  # and no read after it: a transaction left open would hold an old snapshot
    return message_id
