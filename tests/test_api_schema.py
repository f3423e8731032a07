"""Schemathesis against the API's own OpenAPI document (issue 24): generated requests to every operation, with
an admin's token that may do everything, must never meet a 500 nor get a response that breaks the document.
Each operation's strategy is run by Hypothesis directly (Schemathesis's pytest plugin does not work with this
pytest), with few examples per operation, so that the run takes seconds, not minutes."""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from hiring.extensions import db
from hiring.models import InterviewKind, Role, Stage
from tests import factories
from tests.test_api import ALL, token_for


def _company() -> None:
    value = factories.core_value()
    job = factories.job()
    application = factories.application(job, stage=Stage.INTERVIEWING)
    factories.submitted_scorecard(factories.assignment(application, kind=InterviewKind.VALUES), {value: 4})
    factories.hire()
    db.session.commit()


def test_no_operation_answers_500_or_off_its_schema(app):
    _company()
    headers = {"Authorization": f"Bearer {token_for(factories.user(Role.ADMIN), ALL)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "15")), deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as error:  # name the operation that failed, then fail with Hypothesis's own report
            pytest.fail(f"{operation.method.upper()} {operation.path}: {error}")
