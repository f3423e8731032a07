"""The audit log in sentences, in the reader's language: no codes, no JSON, names through ids in one query."""
from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale

from hiring.admin.audit_sentences import ENTITY_LABELS, SENTENCES, readable
from hiring.audit import record
from hiring.extensions import db
from hiring.models import Role, utcnow
from tests import factories

PACKAGE = Path(__file__).resolve().parent.parent / "hiring"


def _codes_in(sources) -> tuple[set[str], list[str], list[str]]:
    """Every action code recorded in `sources` ((name, text) pairs): calls with action= and entity_type=
    (hiring.audit.record, under whatever name it is imported), their string constants and both sides of a
    conditional. f-strings come back as regular expressions; anything else (a variable) as a place in the
    source, which this test cannot check."""
    codes: set[str] = set()
    patterns: list[str] = []
    unknown: list[str] = []

    def collect(node, where):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            codes.add(node.value)
        elif isinstance(node, ast.IfExp):
            collect(node.body, where)
            collect(node.orelse, where)
        elif isinstance(node, ast.JoinedStr):
            patterns.append("".join(re.escape(part.value) if isinstance(part, ast.Constant) else r"[a-z_]+"
                                    for part in node.values))
        else:
            unknown.append(where)

    for name, text in sources:
        for node in ast.walk(ast.parse(text, filename=name)):
            if isinstance(node, ast.Call):
                keywords = {k.arg: k.value for k in node.keywords}
                if "action" in keywords and "entity_type" in keywords:
                    collect(keywords["action"], f"{name}:{node.lineno}")
    return codes, patterns, unknown


def _recorded_codes():
    # hiring/audit.py is record() itself, which passes its argument on.
    return _codes_in((str(path.relative_to(PACKAGE)), path.read_text()) for path in PACKAGE.rglob("*.py")
                     if path != PACKAGE / "audit.py")


def test_every_recorded_action_has_a_sentence():
    codes, patterns, unknown = _recorded_codes()
    assert len(codes) > 60, codes  # the walk finds the calls
    assert not unknown, f"an action code this test cannot read; give it a constant or extend the test: {unknown}"
    missing = sorted(codes - set(SENTENCES))
    assert not missing, f"add a sentence to hiring/admin/audit_sentences.SENTENCES for: {missing}"
    for pattern in patterns:
        assert any(re.fullmatch(pattern, code) for code in SENTENCES), pattern


def test_the_interview_schedule_codes_built_at_run_time_have_sentences():
    from hiring.interviews.schedule import RESCHEDULED, SCHEDULED

    assert {f"interview_{SCHEDULED}", f"interview_{RESCHEDULED}"} <= set(SENTENCES)


def test_the_walk_would_notice_a_new_code():
    source = ('from hiring.audit import record as audit\n'
              'audit(session, actor_id=1, action="brand_new_thing" if x else "job_created", entity_type="job",\n'
              '      entity_id=1)\n'
              'audit(session, actor_id=1, action=f"job_{change}", entity_type="job", entity_id=1)\n'
              'audit(session, actor_id=1, action=chosen, entity_type="job", entity_id=1)\n')
    codes, patterns, unknown = _codes_in([("new.py", source)])
    assert codes == {"brand_new_thing", "job_created"} and patterns == ["job_[a-z_]+"] and unknown == ["new.py:5"]
    assert sorted(codes - set(SENTENCES)) == ["brand_new_thing"]


def test_every_sentence_reads_in_english_and_in_dutch(app):
    with app.test_request_context():
        for code, sentence in SENTENCES.items():
            with force_locale("en"):
                english = str(sentence)
            with force_locale("nl"):
                dutch = str(sentence)
            words = re.sub(r"%\(\w+\)s", "", english)
            assert english.endswith(".") and "_" not in words, code
            assert dutch != english, f"{code}: no Dutch sentence (merge /tmp/nl/dutch.po into the catalogue)"
            assert set(re.findall(r"%\((\w+)\)s", dutch)) == set(re.findall(r"%\((\w+)\)s", english)), code
        for kind, label in ENTITY_LABELS.items():
            with force_locale("nl"):
                assert str(label), kind


def test_an_unknown_code_is_readable():
    assert readable("task_ticked") == "Task ticked."
    assert readable("") == "?"


def _page(client, query: str = "") -> str:
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _sentences(html: str) -> list[str]:
    import html as html_module

    return [html_module.unescape(s) for s in re.findall(r'<p class="sentence">(.*?)</p>', html)]


def test_events_read_as_sentences_with_names_looked_up_through_ids(client, login_as):
    admin = login_as(Role.ADMIN)
    rita = factories.user(Role.RECRUITER, name="Rita Recruiter")
    application = factories.application(factories.job(title="Backend engineer"),
                                        factories.candidate(name="Ann <b>Example</b>"))
    db.session.flush()
    record(db.session, actor_id=rita.id, action="stage_changed", entity_type="application",
           entity_id=application.id, from_stage="applied", to_stage="screening", stage_change_id=None)
    record(db.session, actor_id=admin.id, action="role_changed", entity_type="user", entity_id=rita.id,
           before="recruiter", after="hr")
    record(db.session, actor_id=admin.id, action="job_updated", entity_type="job", entity_id=application.job_id,
           title="Backend engineer", changes={"values_threshold": [60, 70], "published": [False, True]},
           added=[], removed=[], edited=[], public_edited=[])
    record(db.session, actor_id=admin.id, action="offer_policy_changed", entity_type="offer_policy", entity_id=1,
           amount_minor=400_000, currency="EUR", timing="graduation", after_week=None, decision_days=7)
    record(db.session, actor_id=admin.id, action="task_ticked", entity_type="enrollment_task", entity_id=9)
    db.session.commit()
    html = _page(client)
    said = _sentences(html)
    assert "Moved Ann <b>Example</b> (Backend engineer) from Applied to Screening." in said
    assert "Ann &lt;b&gt;Example&lt;/b&gt;" in html and "<b>Example" not in html  # escaped
    assert "Changed the role of Rita Recruiter." in said and "<li>Role: from Recruiter to HR</li>" in html
    assert "Changed the job “Backend engineer”." in said
    assert "<li>Values threshold: from 60 to 70</li>" in html
    assert "<li>Published on the careers site: from no to yes</li>" in html
    assert "Changed The Offer&#39;s policy: €4,000.00, decided within 7 days." in html
    assert "Task ticked." in said
    # No raw JSON, no codes as the text people read (the code stays on the row for tools).
    assert "{&#34;" not in html and '{"' not in html and "stage_changed</td>" not in html
    assert 'data-action="stage_changed"' in html
    assert '<option value="application">Application</option>' in html


def test_names_are_looked_up_in_one_query_per_page(client, login_as, count_queries):
    admin = login_as(Role.ADMIN)
    db.session.commit()

    def add(n: int) -> None:
        for i in range(n):
            application = factories.application()
            db.session.flush()
            record(db.session, actor_id=admin.id, action="stage_changed", entity_type="application",
                   entity_id=application.id, from_stage="applied", to_stage="screening")
            record(db.session, actor_id=admin.id, action="account_invited", entity_type="user",
                   entity_id=factories.user(Role.INTERVIEWER).id, role="interviewer")
            record(db.session, actor_id=admin.id, action="core_value_updated", entity_type="core_value",
                   entity_id=factories.core_value().id, before={"name": f"Old {i}"})
            record(db.session, actor_id=admin.id, action="interviewer_assigned", entity_type="application",
                   entity_id=application.id, interviewer_id=admin.id, kind="values", assignment_id=1)
        db.session.commit()
        db.session.expire_all()

    add(1)
    with count_queries() as few:
        small = _page(client)
    add(11)
    with count_queries() as many:
        large = _page(client)
    assert len(_sentences(small)) == 4 and len(_sentences(large)) == 48
    assert many.count == few.count
    lookups = [s for s in many.statements if "FROM users" in s and "core_values" in s and "UNION ALL" in s]
    assert len(lookups) == 1  # users, applications and core values: one statement


@pytest.mark.parametrize("typed", ["31-02-2026", "2026-02-31", "yesterday", "20260101"])
def test_a_bad_date_is_refused_beside_its_box_with_what_was_typed(client, login_as, typed):
    login_as(Role.ADMIN)
    response = client.get(f"/admin/audit?from={typed}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    field = re.search(r'<div class="field has-error"><label for="from">.*?</div>', html, re.S).group(0)
    assert f'value="{typed}"' in field and 'type="date"' in field and 'aria-invalid="true"' in field
    assert "Give the date as YYYY-MM-DD." in field


def test_the_date_boxes_are_date_pickers_and_an_end_before_the_start_is_refused(client, login_as):
    login_as(Role.ADMIN)
    html = _page(client)
    assert len(re.findall(r'<input type="date" id="(?:from|to)"', html)) == 2
    today = utcnow().date()
    response = client.get(f"/admin/audit?from={today.isoformat()}&to={(today - timedelta(days=3)).isoformat()}")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.get_data(as_text=True)


def test_the_log_reads_in_dutch_for_a_dutch_admin(client, login_as):
    admin = login_as(Role.ADMIN)
    admin.locale = "nl"
    application = factories.application(factories.job(title="Backend engineer"),
                                        factories.candidate(name="Ann Example"))
    db.session.flush()
    record(db.session, actor_id=admin.id, action="stage_changed", entity_type="application",
           entity_id=application.id, from_stage="applied", to_stage="screening")
    db.session.commit()
    said = _sentences(_page(client))
    with client.application.test_request_context(), force_locale("nl"):
        from hiring.labels import STAGE_LABELS
        from hiring.models import Stage

        applied, screening = str(STAGE_LABELS[Stage.APPLIED]), str(STAGE_LABELS[Stage.SCREENING])
    assert len(said) == 1 and "Ann Example (Backend engineer)" in said[0]
    assert applied in said[0] and screening in said[0] and not said[0].startswith("Moved")
