"""The load test's simulated users: one thread each, a browser of their own (cookie jar, own loopback address),
real pages and real form posts with the CSRF token from the page.

Every request is timed and judged: a status the scenario did not expect, any 5xx and any connection error is
an error. Every write is also kept as an `Op` (what was sent, and whether the server acknowledged it), for the
database check afterwards.
"""
from __future__ import annotations

import functools
import http.client
import http.cookiejar
import random
import re
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser

from bench.load_world import LOAD_PASSWORD, Actor, Op, World, now

TICK_ACTION = re.compile(r"/onboarding/tasks/(\d+)/tick$")
UNTICK_ACTION = re.compile(r"/onboarding/tasks/(\d+)/untick$")
CANDIDATE_LINK = re.compile(r'href="/pipeline/candidates/(\d+)"')
STAGES = ["", "applied", "screening", "interviewing", "decision", "hired", "rejected"]
SORTS = ["newest", "oldest", "values_fit", "requirements_fit", "name"]


@dataclass
class Sample:
    """One request: what kind, when it ended, how long it took, and what went wrong if anything."""

    kind: str
    ended: float
    seconds: float
    status: int | None
    error: str | None


class Recorder:
    """Samples and write operations from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[Sample] = []
        self.card_ops: dict[int, list[Op]] = defaultdict(list)
        self.task_ops: dict[int, list[Op]] = defaultdict(list)

    def add(self, sample: Sample) -> None:
        """Keep a request's timing and verdict."""
        with self.lock:
            self.samples.append(sample)

    def op(self, table: dict, key: int, op: Op) -> None:
        """Keep a write and its outcome."""
        with self.lock:
            table[key].append(op)


class _Forms(HTMLParser):
    """The forms of a page: action, inputs (hidden, radio, submit, ...) and textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "inputs": [], "textareas": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button") and a.get("name"):
            self._form["inputs"].append(a)
        elif self._form is not None and tag == "textarea":
            self._textarea = a.get("name")
            self._form["textareas"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["textareas"][self._textarea] += data


def forms(html: str) -> list[dict]:
    """Parse a page's forms."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def hidden(form: dict) -> dict[str, str]:
    """The form's hidden fields (the CSRF token, a version, ...), as the browser would send them."""
    return {i["name"]: i.get("value", "") for i in form["inputs"] if i.get("type") == "hidden"}


class _Passthrough(urllib.request.HTTPErrorProcessor):
    """Hand every response back as it is: no redirect followed, no exception for a 4xx or 5xx."""

    def http_response(self, request, response):
        return response


class _FromAddress(urllib.request.HTTPHandler):
    """Connect from a loopback address of the user's own, as different people's browsers would."""

    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), req)


@dataclass
class Response:
    """What came back."""

    status: int
    location: str
    body: str


class Browser:
    """One simulated person's browser."""

    def __init__(self, base: str, address: str, recorder: Recorder, timeout: float = 30.0):
        self.base, self.recorder, self.timeout = base, recorder, timeout
        self.opener = urllib.request.build_opener(
            _FromAddress(address), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Passthrough())

    def request(self, kind: str, path: str, data: dict | None = None, expect: tuple = (200,)) -> Response | None:
        """GET (or POST with `data`) a path; time it and judge the answer against `expect`."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        status, error, response = None, None, None
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=self.timeout) as r:
                status = r.status
                response = Response(r.status, r.headers.get("Location", ""), r.read().decode("utf-8", "replace"))
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        ended = time.perf_counter()
        if error is None and status not in expect:
            error = f"status {status}, expected {'/'.join(map(str, expect))}"
        self.recorder.add(Sample(kind, ended, ended - started, status, error))
        return response


class Start:
    """The common start: once every user has signed in, the deadline is set and the clock runs."""

    def __init__(self, users: int, seconds: float):
        self.seconds = seconds
        self.began = self.deadline = 0.0
        self.barrier = threading.Barrier(users, action=self._go)

    def _go(self) -> None:
        self.began = time.perf_counter()
        self.deadline = self.began + self.seconds


class SimulatedUser(threading.Thread):
    """Signs in, waits for the start, then works until the deadline, pausing to think between steps."""

    def __init__(self, actor: Actor, world: World, browser: Browser, recorder: Recorder, start: Start,
                 think: float, seed: int):
        super().__init__(name=f"{actor.role}:{actor.email}", daemon=True)
        self.actor, self.world, self.browser, self.recorder, self.gate = actor, world, browser, recorder, start
        self.think, self.rng = think, random.Random(seed)
        self.deadline = float("inf")
        self.signed_in = False

    def run(self):
        try:
            self.signed_in = self.sign_in()
            if not self.signed_in:
                self.crash("sign in", "could not sign in")
        except Exception as exc:  # a bug here must show as an error, never as a quiet thread
            self.crash("sign in", f"{type(exc).__name__}: {exc}")
        finally:
            self.gate.barrier.wait()  # everyone starts together, signed in or not
        self.deadline = self.gate.deadline
        if not self.signed_in:
            return
        try:
            self.work()
        except Exception as exc:
            self.crash("simulated user", f"{type(exc).__name__}: {exc}")

    def crash(self, kind: str, error: str) -> None:
        """Count a failure of the simulated user itself as an error."""
        self.recorder.add(Sample(f"{kind} ({self.actor.role})", time.perf_counter(), 0.0, None, error))

    def sign_in(self) -> bool:
        """The login page, then the form posted with its CSRF token."""
        page = self.browser.request("login form", "/login")
        if page is None:
            return False
        form = next((f for f in forms(page.body) if any(i["name"] == "password" for i in f["inputs"])), None)
        if form is None:
            return False
        answer = self.browser.request("login", "/login", {**hidden(form), "email": self.actor.email,
                                                          "password": LOAD_PASSWORD}, expect=(302,))
        return answer is not None and answer.status == 302

    def left(self) -> bool:
        """True while there is time left."""
        return time.perf_counter() < self.deadline

    def pause(self, factor: float = 1.0) -> bool:
        """Think for a while (never past the deadline); True when there is still time to act."""
        wait = self.think * factor * self.rng.uniform(0.5, 1.5)
        time.sleep(max(0.0, min(wait, self.deadline - time.perf_counter())))
        return self.left()

    def write(self, table: dict, key: int, kind: str, path: str, data: dict, expect: int, payload: dict,
              label: str) -> Response | None:
        """POST a write and keep it as an Op: ack on `expect`, refused on a 409, rejected on another 4xx."""
        started = now()
        answer = self.browser.request(label, path, data, expect=(expect,))
        ended = now()
        if answer is None or answer.status >= 500:
            outcome = "unknown"
        elif answer.status == expect:
            outcome = "ack" if expect != 409 else "refused"
        else:
            outcome = "refused" if answer.status == 409 else "ack" if answer.status in (302, 303) else "rejected"
        self.recorder.op(table, key, Op(kind, outcome, started, ended, payload))
        return answer

    def work(self) -> None:
        raise NotImplementedError


class Interviewer(SimulatedUser):
    """Fills in each assigned scorecard once (sometimes saving a draft first), reads the side-by-side view,
    and for some posts the same submit again, which must be refused with a 409."""

    def work(self):
        self.browser.request("home", "/")
        done = []
        for n, (assignment_id, application_id) in enumerate(self.actor.assignments):
            if not self.pause(0.5) or not self.fill_in(assignment_id, duplicate=n % 3 == 0):
                break
            done.append((assignment_id, application_id))
            if self.rng.random() < 0.5 and self.pause(0.5):
                self.browser.request("scorecards compare", f"/interviews/applications/{application_id}/compare")
        while self.pause():  # all done: read own scorecards and the others'
            if done and self.rng.random() < 0.7:
                assignment_id, application_id = self.rng.choice(done)
                if self.rng.random() < 0.5:
                    self.browser.request("scorecard view", f"/interviews/{assignment_id}/scorecard/view")
                else:
                    self.browser.request("scorecards compare", f"/interviews/applications/{application_id}/compare")
            else:
                self.browser.request("home", "/")

    def _form(self, path: str) -> dict | None:
        page = self.browser.request("scorecard form", path)
        if page is None or page.status != 200:
            return None
        form = next((f for f in forms(page.body) if any(i["name"] == "version" for i in f["inputs"])), None)
        if form is None:
            self.crash("scorecard form", f"no scorecard form on {path}")
        return form

    def fill_in(self, assignment_id: int, duplicate: bool) -> bool:
        """Open, maybe save a draft, think, submit; False when it could not go on."""
        path = f"/interviews/{assignment_id}/scorecard"
        form = self._form(path)
        if form is None:
            return False
        items = sorted({i["name"][len("rating_"):] for i in form["inputs"] if i["name"].startswith("rating_")})
        choices = {k: self.rng.choices(["1", "2", "3", "4", "5", "none"], [1, 2, 4, 5, 3, 1])[0] for k in items}
        tag = f"load {self.actor.user_id}/{assignment_id}"
        fields, ratings = {}, {}
        for key, choice in choices.items():
            evidence = "" if choice == "none" else f"{tag}/{key}: said and did {choice}."
            fields[f"rating_{key}"], fields[f"evidence_{key}"] = choice, evidence
            ratings[key] = (None, True, "") if choice == "none" else (int(choice), False, evidence)
        if self.rng.random() < 0.4:  # a draft of the first half, then the page again for the new version
            half = {k: v for k, v in fields.items() if k.split("_", 1)[1] in items[: len(items) // 2]}
            answer = self.write(self.recorder.card_ops, assignment_id, "draft", path,
                                {**hidden(form), **half, "key_takeaways": "", "save_draft": "Save draft"}, 302, {},
                                "scorecard draft")
            if answer is None or answer.status != 302 or not self.pause(0.5):
                return False
            form = self._form(path)
            if form is None:
                return False
        if not self.pause():
            return False
        recommendation = self.rng.choice(["strong_no", "no", "yes", "strong_yes"])
        veto = "culture_veto" in {i["name"] for i in form["inputs"]} and self.rng.random() < 0.05
        data = {**hidden(form), **fields, "key_takeaways": f"{tag}: takeaways.", "recommendation": recommendation,
                "submit": "Submit scorecard"}
        if veto:
            data.update(culture_veto="y", veto_reason=f"{tag}: mocked a customer.")
        payload = {"ratings": ratings, "recommendation": recommendation, "veto": veto}
        answer = self.write(self.recorder.card_ops, assignment_id, "submit", path, data, 302, payload,
                            "scorecard submit")
        if answer is None or answer.status != 302:
            return False
        self.browser.request("scorecard view", urllib.parse.urlsplit(answer.location).path)
        if duplicate:  # the same form posted again (a double click, a resent tab): must be refused
            self.write(self.recorder.card_ops, assignment_id, "duplicate", path, data, 409, payload,
                       "duplicate submit (409)")
        return True


class Recruiter(SimulatedUser):
    """Browses: the candidate list with filters and sorts, candidate pages, job pipelines, scorecards."""

    def work(self):
        seen: list[int] = []
        while self.pause(0.7):
            r, w = self.rng, self.world
            pick = r.random()
            if pick < 0.35:
                query = {"q": r.choice(w.search_terms), "job": r.choice(["", *map(str, w.job_ids)]),
                         "stage": r.choice(STAGES), "sort": r.choice(SORTS)}
                page = self.browser.request("candidate list", "/pipeline/?" + urllib.parse.urlencode(query))
                if page is not None:
                    seen = [int(c) for c in CANDIDATE_LINK.findall(page.body)] or seen
            elif pick < 0.65:
                candidate = r.choice(seen) if seen and r.random() < 0.7 else r.choice(w.candidate_ids)
                self.browser.request("candidate page", f"/pipeline/candidates/{candidate}")
            elif pick < 0.85:
                query = urllib.parse.urlencode({"stage": r.choice(STAGES)})
                self.browser.request("job pipeline", f"/jobs/{r.choice(w.job_ids)}?{query}")
            elif pick < 0.95:
                self.browser.request("scorecards compare",
                                     f"/interviews/applications/{r.choice(w.load_application_ids)}/compare")
            else:
                self.browser.request("home", "/")


class NewHire(SimulatedUser):
    """Ticks their own onboarding tasks from their checklist, one by one; re-posts some ticks (409 expected);
    with everything done, now and then undoes a tick and does it again."""

    def work(self):
        page = self.browser.request("checklist", "/")
        ticks = 0
        while page is not None and self.pause():
            found = forms(page.body)
            to_tick = [f for f in found if TICK_ACTION.search(f["action"])]
            to_untick = [f for f in found if UNTICK_ACTION.search(f["action"])]
            if to_tick:
                form = to_tick[0]
                task_id = int(TICK_ACTION.search(form["action"]).group(1))
                ticks += 1
                note = f"load {self.actor.user_id}/{task_id} tick {ticks}"
                data = {**hidden(form), f"tick{task_id}-note": note}
                answer = self.write(self.recorder.task_ops, task_id, "tick", form["action"], data, 302,
                                    {"note": note}, "task tick")
                if answer is not None and answer.status == 302 and ticks % 4 == 1:
                    self.write(self.recorder.task_ops, task_id, "duplicate", form["action"], data, 409,
                               {"note": note}, "duplicate tick (409)")
            elif to_untick and self.rng.random() < 0.3:
                form = self.rng.choice(to_untick)
                task_id = int(UNTICK_ACTION.search(form["action"]).group(1))
                self.write(self.recorder.task_ops, task_id, "untick", form["action"], hidden(form), 302, {},
                           "task untick")
            page = self.browser.request("checklist", "/")


ROLES = {"interviewer": Interviewer, "recruiter": Recruiter, "new_hire": NewHire}


def address(n: int) -> str:
    """The n-th simulated user's own loopback address (127.0.1.1, 127.0.1.2, ...)."""
    return f"127.0.{1 + n // 250}.{1 + n % 250}"
