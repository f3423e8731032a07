"""Webhooks (issue 24, item 2): Standard Webhooks signatures, the address guard, delivery by the task runner to a
receiver in the test process (again after it was down), the delivery log and redelivery, the admin pages, and
payloads that carry no personal data."""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from hiring import tasks
from hiring.extensions import db
from hiring.models import AuditEvent, Role, Stage, Task, WebhookDelivery, WebhookSubscription, utcnow
from hiring.models.webhooks import DELIVERED, FAILED, PENDING
from hiring.pipeline.service import add_candidate, move_application
from hiring.tasks import runner as task_runner
from hiring.webhooks import delivery, events, guard, signing, subscriptions
from tests import factories

# The example of the Standard Webhooks specification (and of its reference libraries' tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


# --- signing ---------------------------------------------------------------------------------------------------

def test_the_signature_is_the_standard_webhooks_example():
    assert signing.signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_a_signature_computed_by_hand():
    import base64
    import hashlib
    import hmac

    key = bytes(range(32))
    secret = signing.secret_from_key(key)
    assert secret == "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    by_hand = base64.b64encode(hmac.new(key, b"evt_1.1700000000.{}", hashlib.sha256).digest()).decode()
    assert signing.signature(secret, "evt_1", 1700000000, b"{}") == "v1," + by_hand


def _signed(secret=SPEC_SECRET, timestamp=SPEC_TIMESTAMP):
    return signing.headers([secret], SPEC_ID, timestamp, SPEC_BODY)


def test_verify_accepts_the_signed_request_and_refuses_others():
    assert signing.verify(SPEC_SECRET, _signed(), SPEC_BODY, now=SPEC_TIMESTAMP + 10) == {"test": 2432232314}
    # Header names in any case, several signatures (a rotation), one of them right.
    upper = {k.upper(): v for k, v in _signed().items()}
    upper["WEBHOOK-SIGNATURE"] = "v1,bm9wZQ== " + upper["WEBHOOK-SIGNATURE"]
    assert signing.verify(SPEC_SECRET, upper, SPEC_BODY, now=SPEC_TIMESTAMP)
    other = signing.secret_from_key(b"x" * 32)
    with pytest.raises(signing.VerificationError, match="no matching signature"):
        signing.verify(other, _signed(), SPEC_BODY, now=SPEC_TIMESTAMP)
    with pytest.raises(signing.VerificationError, match="no matching signature"):
        signing.verify(SPEC_SECRET, _signed(), b'{"test": 1}', now=SPEC_TIMESTAMP)
    with pytest.raises(signing.VerificationError, match="too old"):
        signing.verify(SPEC_SECRET, _signed(), SPEC_BODY, now=SPEC_TIMESTAMP + 5 * 60 + 1)
    with pytest.raises(signing.VerificationError, match="too far ahead"):
        signing.verify(SPEC_SECRET, _signed(), SPEC_BODY, now=SPEC_TIMESTAMP - 5 * 60 - 1)
    with pytest.raises(signing.VerificationError, match="missing"):
        signing.verify(SPEC_SECRET, {"webhook-id": SPEC_ID}, SPEC_BODY, now=SPEC_TIMESTAMP)


# --- the address guard -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("address", ["127.0.0.1", "127.1.2.3", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                     "100.64.0.1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"])
def test_loopback_and_private_addresses_only_when_allowed(address):
    assert guard.refusal(address, allow_private=False) == "refused_private"
    assert guard.refusal(address, allow_private=True) is None


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1",
                                     "240.0.0.1"])
def test_unspecified_link_local_multicast_and_reserved_never(address):
    assert guard.refusal(address, allow_private=True) == "refused_address"


def test_public_addresses_pass():
    assert guard.refusal("93.184.216.34", allow_private=False) is None
    assert guard.refusal("2606:4700:4700::1111", allow_private=False) is None


def _resolving(monkeypatch, answers: dict[str, list[str]]):
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                    for a in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_a_host_name_is_checked_by_every_address_it_resolves_to(monkeypatch):
    _resolving(monkeypatch, {"hooks.example.com": ["127.0.0.1"], "mixed.example.com": ["93.184.216.34", "10.0.0.7"],
                             "fine.example.com": ["93.184.216.34"]})
    with pytest.raises(guard.Refused) as refused:
        guard.check("https://hooks.example.com/in", allow_private=False)
    assert refused.value.code == "refused_private"
    assert guard.check("https://hooks.example.com/in", allow_private=True).addresses == ("127.0.0.1",)
    with pytest.raises(guard.Refused):
        guard.check("https://mixed.example.com/in", allow_private=False)
    target = guard.check("https://fine.example.com:8443/in?x=1", allow_private=False)
    assert (target.host, target.port, target.path, target.addresses) == (
        "fine.example.com", 8443, "/in?x=1", ("93.184.216.34",))


@pytest.mark.parametrize("url, code", [("ftp://example.com/", "bad_scheme"), ("file:///etc/passwd", "bad_scheme"),
                                       ("https://user:pw@example.com/", "bad_url"), ("https:///x", "bad_url"),
                                       ("http://[::1]/", "refused_private"), ("http://[::1/", "bad_url")])
def test_urls_refused(url, code):
    with pytest.raises(guard.Refused) as refused:
        guard.check(url, allow_private=False)
    assert refused.value.code == code


# --- a receiver in the test process ----------------------------------------------------------------------------

class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every request it gets and answers `status`; down until started."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.requests: list[tuple[dict, bytes, str]] = []
        self.status = 204
        self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/hiring"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, self.path))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def receiver():
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def delivering(app, monkeypatch):
    """Deliveries handed to the task runner, as production does (conftest turns it off), in threads here."""
    monkeypatch.setitem(app.config, "WEBHOOKS_BACKGROUND", True)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    yield
    assert task_runner.wait_idle(60), "a task outlived its test"


@pytest.fixture
def dispatched(monkeypatch):
    """What is handed to the runner, instead of running it: the test performs the tasks itself."""
    handed = []
    monkeypatch.setattr(task_runner, "dispatch",
                        lambda app, task_id, kind, delay=0.0: handed.append((task_id, kind, delay)))
    return handed


def _subscribe(url: str, event_types=(events.APPLICATION_STAGE_CHANGED,), *, allow_private=True,
               admin=None) -> WebhookSubscription:
    admin = admin or factories.user(Role.ADMIN)
    subscription = subscriptions.create(db.session, url=url, event_types=list(event_types), active=True,
                                        allow_private=allow_private, actor_id=admin.id)
    db.session.commit()
    return subscription


def _world():
    recruiter = factories.user(Role.RECRUITER)
    application = factories.application(factories.job(), factories.candidate("Jan Jansen", "jan.jansen@example.test"))
    db.session.commit()
    return recruiter, application


def _move(application_id: int, recruiter_id: int, frm: Stage, to: Stage) -> None:
    move_application(db.session, application_id, expected_stage=frm, to_stage=to, reason="", actor_id=recruiter_id)
    db.session.commit()


def _rows() -> list[WebhookDelivery]:
    db.session.rollback()  # a fresh read: what the runner's threads and requests wrote since
    return list(db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _verified(request, secret: str) -> dict:
    headers, body, _path = request
    return signing.verify(secret, headers, body)


def test_a_receiver_gets_a_signed_event_after_a_stage_move_and_again_after_it_was_down(
        app, receiver, delivering, monkeypatch):
    recruiter, application = _world()
    subscription = _subscribe(receiver.url)
    secret = subscriptions.secret_of(subscription)
    assert secret.startswith("whsec_")

    # Up: the move's commit hands the delivery to the runner's thread, which POSTs it.
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    assert task_runner.wait_idle(30)
    [request] = receiver.requests
    event = _verified(request, secret)
    assert event["type"] == "application.stage_changed" and event["id"].startswith("evt_")
    assert event["data"]["application_id"] == application.id and event["data"]["job_id"] == application.job_id
    assert (event["data"]["from"], event["data"]["to"]) == ("applied", "screening")
    headers = request[0]
    assert headers["webhook-id"] == event["id"] and headers["content-type"] == "application/json"
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert request[2] == "/hooks/hiring"
    [row] = _rows()
    assert (row.state, row.attempts, row.last_status, row.event_id) == (DELIVERED, 1, 204, event["id"])

    # Down: the attempt fails, the row waits a minute (doubling after), and the runner is asked to retry then.
    receiver.stop()
    handed = []
    monkeypatch.setattr(task_runner, "dispatch",
                        lambda app_, task_id, kind, delay=0.0: handed.append((task_id, kind, delay)))
    _move(application.id, recruiter.id, Stage.SCREENING, Stage.INTERVIEWING)
    [(task_id, kind, delay)] = handed
    assert (kind, delay) == (delivery.DELIVER, 0.0)
    tasks.perform(task_id, app)
    second = _rows()[1]
    assert (second.state, second.attempts, second.last_error) == (PENDING, 1, "connection")
    assert timedelta(seconds=55) < second.next_attempt_at - utcnow() <= timedelta(seconds=60)
    assert handed[-1] == (task_id, delivery.DELIVER, 60.0)  # the runner's retry, after the same wait
    assert db.session.get(Task, task_id).state == tasks.QUEUED

    # A second failure doubles the wait.
    tasks.perform(task_id, app)
    assert handed[-1] == (task_id, delivery.DELIVER, 120.0)
    assert _rows()[1].attempts == 2

    # Up again: the retry (as the runner's timer would run it) is delivered, with the same event id.
    receiver.start()
    tasks.perform(task_id, app)
    second = _rows()[1]
    assert (second.state, second.attempts, second.last_error, second.last_status) == (DELIVERED, 3, None, 204)
    [_first, again] = receiver.requests
    assert _verified(again, secret)["id"] == second.event_id
    assert _verified(again, secret)["data"]["to"] == "interviewing"


def test_the_sweep_hands_on_what_is_due_once_the_runner_gave_up(app, receiver, delivering, dispatched):
    recruiter, application = _world()
    subscription = _subscribe(receiver.url)
    receiver.stop()
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    tasks.perform(dispatched[0][0], app)
    [row] = _rows()
    assert row.state == PENDING and row.next_attempt_at > utcnow()
    # Not due yet: the sweep leaves it.
    assert delivery.sweep(db.session).handed_on == 0
    db.session.commit()
    # Due (the clock moved on): the sweep asks for a sweep task, which delivers it.
    receiver.start()
    later = utcnow() + timedelta(minutes=2)
    assert delivery.sweep(db.session, now=later).handed_on == 1
    db.session.commit()
    sweep_task = [t for t, kind, _d in dispatched if kind == delivery.SWEEP][-1]
    db.session.execute(sa.update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    tasks.perform(sweep_task, app)
    [row] = _rows()
    assert row.state == DELIVERED and row.attempts == 2
    assert _verified(receiver.requests[0], subscriptions.secret_of(subscription))["data"]["to"] == "screening"


def test_too_many_attempts_fail_for_good_and_the_wait_doubles_up_to_six_hours(app, delivering, dispatched,
                                                                              monkeypatch):
    assert [delivery.wait_before(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert delivery.wait_before(10) == timedelta(hours=6)
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 2)
    receiver = Receiver()  # never started
    recruiter, application = _world()
    _subscribe(receiver.url)
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    [row] = _rows()
    assert delivery.deliver(row.id) == delivery.RETRY
    [row] = _rows()
    assert row.state == PENDING and row.attempts == 1
    db.session.execute(sa.update(WebhookDelivery).values(next_attempt_at=None))
    db.session.commit()
    assert delivery.deliver(row.id) == delivery.GAVE_UP
    [row] = _rows()
    assert (row.state, row.attempts, row.last_error, row.next_attempt_at) == (FAILED, 2, "connection", None)


def test_a_refused_address_fails_at_once_with_its_reason(app, receiver, delivering, dispatched):
    recruiter, application = _world()
    admin = factories.user(Role.ADMIN)
    subscription = _subscribe(receiver.url, admin=admin)
    db.session.expire_all()
    # Private addresses no longer allowed (set directly: the form refuses a loopback literal without the box).
    db.session.execute(sa.update(WebhookSubscription).values(allow_private=False))
    db.session.commit()
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    [row] = _rows()
    assert delivery.deliver(row.id) == delivery.GAVE_UP
    [row] = _rows()
    assert (row.state, row.last_error, row.attempts) == (FAILED, "refused_private", 1)
    assert receiver.requests == [] and subscription.allow_private is False


def test_a_changed_secret_key_fails_deliveries_instead_of_signing_wrongly(app, receiver, delivering, dispatched,
                                                                         monkeypatch):
    recruiter, application = _world()
    subscription = _subscribe(receiver.url)
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key")
    assert subscriptions.secret_of(db.session.get(WebhookSubscription, subscription.id)) is None
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    [row] = _rows()
    assert delivery.deliver(row.id) == delivery.GAVE_UP
    assert _rows()[0].last_error == "secret_key_changed" and receiver.requests == []


def test_rotation_signs_with_both_secrets_for_a_day(app, receiver, delivering):
    recruiter, application = _world()
    admin = factories.user(Role.ADMIN)
    subscription = _subscribe(receiver.url, admin=admin)
    old = subscriptions.secret_of(subscription)
    new = subscriptions.rotate(db.session, subscription, actor_id=admin.id)
    db.session.commit()
    assert new != old and new == subscriptions.secret_of(subscription)
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    assert task_runner.wait_idle(30)
    [request] = receiver.requests
    assert _verified(request, old) == _verified(request, new)
    assert len(request[0]["webhook-signature"].split(" ")) == 2
    assert subscriptions.signing_secrets(subscription, utcnow() + timedelta(days=1, seconds=1)) == [new]


# --- what is emitted -------------------------------------------------------------------------------------------

def test_events_go_only_to_active_subscriptions_that_want_them(app, count_queries):
    recruiter, application = _world()
    wants = _subscribe("https://hooks.example.com/a")
    _subscribe("https://hooks.example.com/b", event_types=[events.APPLICATION_CREATED])
    paused = _subscribe("https://hooks.example.com/c")
    paused.active = False
    db.session.commit()
    with count_queries() as counter:
        events.emit(db.session, events.APPLICATION_STAGE_CHANGED, {"application_id": 1})
        events.emit(db.session, events.APPLICATION_STAGE_CHANGED, {"application_id": 2})
    reads = [s for s in counter.statements if "FROM webhook_subscriptions" in s]
    assert len(reads) == 1  # once per transaction, however many events
    db.session.commit()
    rows = _rows()
    assert [r.subscription_id for r in rows] == [wants.id, wants.id]
    assert len({r.event_id for r in rows}) == 2
    with pytest.raises(ValueError):
        events.emit(db.session, "no.such.event", {})


def test_a_rolled_back_action_sends_nothing(app, delivering, dispatched):
    recruiter, application = _world()
    _subscribe("https://hooks.example.com/a")
    move_application(db.session, application.id, expected_stage=Stage.APPLIED, to_stage=Stage.SCREENING,
                     reason="", actor_id=recruiter.id)
    db.session.rollback()
    assert _rows() == [] and dispatched == []


def test_applications_made_by_form_careers_site_and_import_emit_created(app):
    admin = factories.user(Role.ADMIN)
    job = factories.job()
    db.session.commit()
    _subscribe("https://hooks.example.com/a", event_types=[events.APPLICATION_CREATED], admin=admin)
    by_form = add_candidate(db.session, name="Piet Pieters", email="piet@example.test", phone=None, source=None,
                            job_id=job.id, actor_id=admin.id)
    by_site = add_candidate(db.session, name="Anna Smit", email="anna@example.test", phone=None, source=None,
                            job_id=job.id, actor_id=None)
    from hiring.pipeline.importing import import_candidates

    import_candidates(db.session, f"name,email,job\nKees Bakker,kees@example.com,{job.title}\n".encode(),
                      actor_id=admin.id)
    db.session.commit()
    data = [r.payload["data"] for r in _rows()]
    assert [(d["application_id"], d["channel"]) for d in data[:2]] == [(by_form.id, "staff"),
                                                                      (by_site.id, "careers_site")]
    assert data[2]["channel"] == "import" and data[2]["job_id"] == job.id and data[2]["stage"] == "applied"


def test_payloads_hold_no_personal_data(app):
    recruiter, application = _world()
    _subscribe("https://hooks.example.com/a", event_types=list(events.EVENT_TYPES))
    from hiring.models import RejectionReason

    move_application(db.session, application.id, expected_stage=Stage.APPLIED, to_stage=Stage.SCREENING,
                     reason="Jan Jansen looked great", actor_id=recruiter.id)
    reason = factories.rejection_reason()
    move_application(db.session, application.id, expected_stage=Stage.SCREENING, to_stage=Stage.REJECTED,
                     reason="Jan's note", actor_id=recruiter.id, rejection_reason_id=reason.id)
    db.session.commit()
    assert isinstance(reason, RejectionReason)
    rows = _rows()
    assert len(rows) == 2 and rows[1].payload["data"]["rejection_reason"] == reason.code
    everything = json.dumps([r.payload for r in rows]) + " ".join(
        str(v) for r in rows for v in (r.event_type, r.event_id, r.last_error))
    for personal in ("Jan", "Jansen", "jan.jansen@example.test", "looked great", "note"):
        assert personal not in everything


# --- the admin pages -------------------------------------------------------------------------------------------

def _form(**over):
    data = {"url": "https://hooks.example.com/in", "events": [events.APPLICATION_STAGE_CHANGED], "active": "y"}
    data.update(over)
    return data


def test_an_admin_adds_edits_tests_rotates_and_deletes_a_subscription(client, login_as):
    admin = login_as(Role.ADMIN)
    assert client.get("/admin/webhooks/").status_code == 200
    page = client.get("/admin/webhooks/new").get_data(as_text=True)
    for code in events.EVENT_TYPES:
        assert f'value="{code}"' in page
    response = client.post("/admin/webhooks/new", data=_form())
    assert response.status_code == 303
    [subscription] = db.session.scalars(sa.select(WebhookSubscription)).all()
    assert (subscription.url, subscription.events, subscription.active, subscription.allow_private) == (
        "https://hooks.example.com/in", [events.APPLICATION_STAGE_CHANGED], True, False)
    assert subscription.created_by_id == admin.id
    show = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    secret = subscriptions.secret_of(subscription)
    assert secret in show

    assert client.post(f"/admin/webhooks/{subscription.id}/edit", data=_form(
        url="https://hooks.example.com/other", events=list(events.EVENT_TYPES), active="")).status_code == 303
    db.session.expire_all()
    assert subscription.url.endswith("/other") and not subscription.active
    # Paused: no test event.
    client.post(f"/admin/webhooks/{subscription.id}/test")
    assert _rows() == []
    client.post(f"/admin/webhooks/{subscription.id}/edit", data=_form(events=list(events.EVENT_TYPES)))
    assert client.post(f"/admin/webhooks/{subscription.id}/test").status_code == 303
    [ping] = _rows()
    assert ping.event_type == "ping" and ping.payload["data"] == {"subscription_id": subscription.id}
    log = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    assert ping.event_id in log
    assert client.get(f"/admin/webhooks/{subscription.id}/deliveries/{ping.id}").status_code == 200

    assert client.post(f"/admin/webhooks/{subscription.id}/rotate").status_code == 303
    db.session.expire_all()
    assert subscriptions.secret_of(subscription) != secret and subscription.previous_nonce

    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-5:] == ["webhook_created", "webhook_updated", "webhook_updated", "webhook_test_sent",
                            "webhook_secret_rotated"]
    details = json.dumps([e.details for e in db.session.scalars(sa.select(AuditEvent))])
    assert "hooks.example.com" not in details and secret not in details  # ids and codes only

    assert client.post(f"/admin/webhooks/{subscription.id}/delete").status_code == 303
    assert db.session.scalars(sa.select(WebhookSubscription)).all() == [] and _rows() == []


def test_redelivery_from_the_log_sends_the_same_event_again(client, login_as):
    login_as(Role.ADMIN)
    recruiter, application = _world()
    subscription = _subscribe("https://hooks.example.com/in")
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    [first] = _rows()
    url = f"/admin/webhooks/{subscription.id}/deliveries/{first.id}/redeliver"
    # Still pending: refused, nothing new.
    client.post(url)
    assert len(_rows()) == 1
    db.session.execute(sa.update(WebhookDelivery).values(state=FAILED, last_error="status_500", attempts=12))
    db.session.commit()
    assert client.post(url).status_code == 303
    [first, again] = _rows()
    assert (again.event_id, again.payload, again.redelivery_of_id, again.state, again.attempts) == (
        first.event_id, first.payload, first.id, PENDING, 0)
    assert client.post(f"/admin/webhooks/{subscription.id}/deliveries/999999/redeliver").status_code == 404
    other = _subscribe("https://hooks.example.com/other")
    assert client.post(f"/admin/webhooks/{other.id}/deliveries/{first.id}/redeliver").status_code == 404
    assert client.get(f"/admin/webhooks/{other.id}/deliveries/{first.id}").status_code == 404


def test_the_log_is_paged_newest_first_without_a_query_per_row(client, login_as, count_queries):
    login_as(Role.ADMIN)
    subscription = _subscribe("https://hooks.example.com/in", event_types=list(events.EVENT_TYPES))
    events.emit_many(db.session, events.APPLICATION_CREATED, [{"application_id": i} for i in range(60)])
    db.session.commit()
    ids = [r.id for r in _rows()]
    newest, rest_of_it = f"/admin/webhooks/{subscription.id}", f"/admin/webhooks/{subscription.id}?before={ids[9]}"
    client.get(newest), client.get(rest_of_it)
    with count_queries() as few:
        client.get(rest_of_it)  # 9 rows
    with count_queries() as many:
        first = client.get(newest).get_data(as_text=True)  # 50 rows
    assert few.count == many.count, (few.statements, many.statements)
    shown = [int(i) for i in re.findall(r'id="delivery-(\d+)"', first)]
    assert shown == sorted(ids, reverse=True)[:50]
    older = re.search(r'href="([^"]*before=\d+[^"]*)" rel="next"', first).group(1).replace("&amp;", "&")
    rest = [int(i) for i in re.findall(r'id="delivery-(\d+)"', client.get(older).get_data(as_text=True))]
    assert rest == sorted(ids, reverse=True)[50:]


@pytest.mark.parametrize("over, field, message", [
    ({"url": "ftp://hooks.example.com/in"}, "url", "must begin with https://"),
    ({"url": "https://user:pw@hooks.example.com/in"}, "url", "without a user name or password"),
    ({"url": "http://127.0.0.1:9000/in"}, "url", "private or loopback address"),
    ({"url": "http://169.254.169.254/latest"}, "url", "link-local, multicast or reserved"),
    ({"url": ""}, "url", "Enter the address"),
    ({"events": []}, "events", "Choose at least one event"),
    ({"events": ["no.such.event"]}, "events", "is not a valid choice"),
])
def test_form_errors_are_shown_beside_their_field_and_nothing_is_saved(client, login_as, over, field, message):
    login_as(Role.ADMIN)
    response = client.post("/admin/webhooks/new", data=_form(**over))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1).replace("&#34;", '"'), html
    if over.get("url"):
        assert f'value="{over["url"]}"' in html  # what was typed is kept
    assert db.session.scalars(sa.select(WebhookSubscription)).all() == []


def test_a_loopback_address_is_accepted_once_private_addresses_are_allowed(client, login_as):
    login_as(Role.ADMIN)
    assert client.post("/admin/webhooks/new", data=_form(url="http://127.0.0.1:9000/in",
                                                          allow_private="y")).status_code == 303
    assert db.session.scalars(sa.select(WebhookSubscription.allow_private)).one() is True


@pytest.mark.parametrize("role", [Role.HR, Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admins_keep_webhooks(client, login_as, role):
    subscription = _subscribe("https://hooks.example.com/in")
    login_as(role)
    sid = subscription.id
    assert client.get("/admin/webhooks/").status_code == 403
    assert client.post("/admin/webhooks/new", data=_form()).status_code == 403
    for action in ("edit", "rotate", "test", "delete"):
        assert client.post(f"/admin/webhooks/{sid}/{action}").status_code == 403
    assert len(db.session.scalars(sa.select(WebhookSubscription)).all()) == 1 and _rows() == []


def test_unknown_subscriptions_are_404(client, login_as):
    login_as(Role.ADMIN)
    for action in ("edit", "rotate", "test", "delete"):
        assert client.post(f"/admin/webhooks/999999/{action}").status_code == 404


def test_the_buttons_need_their_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = factories.user(Role.ADMIN, email="webhooks-csrf@example.test")
        db.session.commit()
        subscription = _subscribe("https://hooks.example.com/in", admin=admin)
        sid = subscription.id
    client = app.test_client()

    def token(url):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                         client.get(url).get_data(as_text=True)).group(1)

    client.post("/login", data={"email": "webhooks-csrf@example.test", "password": factories.PASSWORD,
                                "csrf_token": token("/login")})
    assert client.post("/admin/webhooks/new", data=_form()).status_code == 400
    assert client.post(f"/admin/webhooks/{sid}/rotate").status_code == 400
    assert client.post(f"/admin/webhooks/{sid}/test").status_code == 400
    assert client.post(f"/admin/webhooks/{sid}/test", data={"csrf_token": token("/admin/webhooks/new")}
                       ).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookSubscription)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 1


def test_flask_deliver_webhooks_delivers_what_is_due(app, runner, receiver, delivering, dispatched):
    recruiter, application = _world()
    subscription = _subscribe(receiver.url)
    _move(application.id, recruiter.id, Stage.APPLIED, Stage.SCREENING)
    result = runner.invoke(args=["deliver-webhooks"])
    assert result.exit_code == 0 and "1 event delivered." in result.output
    assert _rows()[0].state == DELIVERED
    assert _verified(receiver.requests[0], subscriptions.secret_of(subscription))["type"] == "application.stage_changed"
