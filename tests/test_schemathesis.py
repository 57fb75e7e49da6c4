"""schemathesis against /schema/openapi.json: generated requests never get a 5xx or an undocumented answer.

Runs in-process (ASGI) as a logged-in employee and as a guardian, against the fictional world,
with a fixed seed and a small number of examples per operation so the run stays short.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from tests.api_support import PERSON_HEADER
from tests.conftest import World

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
EXAMPLES = 8


@pytest.fixture
def schema(app):
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.slow
def test_no_server_error_and_every_answer_is_documented(schema, world: World) -> None:
    ops = operations(schema)
    assert len(ops) > 50  # the API, /, /health and /ready
    case = world.open_case()
    failures = []
    runs = [(world.teacher, GenerationMode.POSITIVE), (world.mother, GenerationMode.POSITIVE)]
    runs.append((world.teacher, GenerationMode.NEGATIVE))
    for person, mode in runs:
        for operation in ops:
            pinned = {"case_id": case.id} if "{case_id}" in operation.path else None
            try:
                fuzz(operation, person, mode, pinned)
            except Unsatisfiable:  # nothing to make invalid: no parameters and no body
                assert mode is GenerationMode.NEGATIVE
            except Exception as exc:  # collect all, so one run shows every broken operation
                failures.append(f"{operation.label} as {person} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)


def fuzz(operation, person: str, mode: GenerationMode, path_parameters: dict | None) -> None:
    """Generated requests for one operation, sent as ``person``, every answer checked.

    ``path_parameters`` pins ids to a real case, so generated bodies reach the services."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(generated=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(generated) -> None:
        generated.headers = {**(generated.headers or {}), PERSON_HEADER: person}
        generated.call_and_validate(checks=CHECKS)

    run()
