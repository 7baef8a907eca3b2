"""Schemathesis against the served OpenAPI document, on both backends: whatever a client sends, the
service answers with a status below 500 (a refusal is the client's to fix, never a crash)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from gridwatch.api.service import Service
from gridwatch.db import field as bookkeeping
from tests.api.conftest import Field, Served

EXAMPLES = 25
"""Generated requests per operation and backend: ~800 a run, a few seconds each backend."""


@pytest.mark.slow
def test_no_input_makes_the_service_fail(served: Field) -> None:
    key = bookkeeping.add_api_key(served.service.keeper, "fuzz", served.users["app"])
    token = served.token("worker")
    with Served(Service(served.service.store, rate=0)) as base:
        schema = schemathesis.openapi.from_url(base + "/openapi.json")
        failures: list[str] = []
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(
                max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
            )
            @given(case=operation.as_strategy())
            def call(case: schemathesis.Case) -> None:
                case.headers = {**(case.headers or {}), "authorization": f"Bearer {token}"}
                if case.query is not None and "api_key" in case.query:
                    case.query["api_key"] = key
                if isinstance(case.body, dict) and "api_key" in case.body:
                    case.body["api_key"] = key
                response = case.call(base_url=base, timeout=10)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.operation.label}: {response.status_code} {response.text[:200]} for {case!r}"
                    )

            call()
        assert failures == []
