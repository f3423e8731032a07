"""The careers site's messages (hiring/mail/messages.py): "application received", sent when an application
arrives through the site, in the visitor's language, with the candidate's status link.

Who gets it, and what it may say: the message goes to the address kept on the candidate the application was
added to, with that candidate's own status link, so the link only ever reaches the mailbox it belongs to. The
confirmation page still shows a void link for an e-mail known already (whoever typed it may not be that
person); the e-mail lets the real owner of the address see what was done in their name. A second application
to the same job saves nothing and sends nothing (nothing new to say, and no mail for every resubmission).
Only what the status page shows goes in: the name kept on the candidate, the job's title, the link.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.careers import status
from hiring.mail import messages
from hiring.models import Application, Candidate, Job

APPLICATION_RECEIVED = "application_received"

messages.register(
    APPLICATION_RECEIVED, label=_l("Application received"), audience="candidate",
    placeholders={"candidate_name": _l("The candidate's name"), "job_title": _l("The job's title"),
                  "company_name": _l("The company's name"),
                  "status_link": _l("The link to the candidate's own status page (withdraw, their data)"),
                  "link_days": _l("How many days the status link works")},
    subject=_l("We received your application for {{ job_title }}"),
    body=_l("Dear {{ candidate_name }},\n\n"
            "Thank you for applying for {{ job_title }} at {{ company_name }}. We have your application and will "
            "read it soon.\n\n"
            "On your own page you can see where your application stands, withdraw it, or download your data. "
            "The link works for {{ link_days }} days:\n"
            "{{ status_link }}\n\n"
            "Kind regards,\n"
            "{{ company_name }}\n"),
    sample={"candidate_name": "Sam Jansen", "job_title": "Customer support (Dutch)", "company_name": "Zappos",
            "status_link": "https://careers.example.com/status/sample-link", "link_days": "180"})


def send_received(session: Session, application: Application, job: Job) -> None:
    """Queue "application received" for a new application, in the caller's transaction, in the language of
    this request (the visitor's). An address the outbox refuses (a quoted local part the form allowed) sends
    nothing: the application stands."""
    candidate = session.get(Candidate, application.candidate_id)
    if candidate is None or not candidate.email or candidate.anonymised_at is not None:
        return
    link = messages.absolute_url("careers.status.page", token=status.make_token(candidate.id))
    if link is None:  # outside a request without PUBLIC_BASE_URL (the site always has a request)
        return
    messages.send_unless_refused(
        session, APPLICATION_RECEIVED, about=f"application {application.id}", to=candidate.email,
        language=str(get_locale()), candidate_id=candidate.id,
        context={"candidate_name": candidate.name, "job_title": job.title,
                 "company_name": current_app.config["COMPANY_NAME"], "status_link": link,
                 "link_days": str(status.link_days())})
