"""E-mail that is never lost: the outbox (issue 21).

How a feature sends a message: in the transaction of the action that causes it, call

    from hiring.mail import outbox
    outbox.queue(db.session, to=candidate.email, subject=_("..."), text=render_template("mail/x.txt", ...),
                 html=render_template("mail/x.html", ...), kind="application_received", language=locale,
                 candidate_id=candidate.id)

and commit as usual. The message is a row of `outbox_messages` (the only place its address and words are
kept); the task runner's "mail.send" task sends it once the transaction commits, so a rolled-back action sends
nothing. Write the subject and bodies in the recipient's language (flask_babel.force_locale), pass
`candidate_id` or `user_id` so that the message goes when its recipient is erased, and an `Attachment` (an
.ics) when there is one.

outbox.py: queue, resend, the sweep; sending.py: the task (claim, build with email.message, smtplib or the
kept .eml without MAIL_SERVER, retries); views.py: the admins' "Sent mail" pages and `flask send-mail`.
"""
from hiring.mail import sending  # noqa: F401 - registers the task kind "mail.send" wherever mail is queued
from hiring.mail.outbox import Attachment, queue

__all__ = ["Attachment", "queue"]
