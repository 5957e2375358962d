"""A property-based run of schemathesis over the OpenAPI schema (issue 14): for every request it
generates, valid or not, anonymous or with an API key, the API answers without a server error,
with a documented status code and content type, a body that matches the schema, and the headers
the schema documents; and schemathesis 4's stricter checks: a request the schema refuses is
refused (`negative_data_rejection`), one it allows is accepted (`positive_data_acceptance`), a
missing required header, a method the path does not have, a request without the key where the
schema asks for one are answered as they should be. Bounded: a fixed number of derandomized
examples per operation and mode, plus the coverage phase's deterministic edge cases."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)
from schemathesis.generation import GenerationMode

from ponte.core.tokens import create_api_token
from ponte.portal.tests.world import build_world


@pytest.fixture
def api_schema(client, city):
    build_world(city, n=2)
    document = json.loads(client.get("/api/schema/?format=json").content)
    # Every path is per city: pin {city} to the test city so requests reach real data
    # (an unknown city is covered by the 404 tests).
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "city":
                    parameter["schema"] = {"type": "string", "enum": [city.slug]}
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    # As Django's test client does: the test's transaction lives on one connection, which the
    # end of each WSGI request must not close.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
    ignored_auth,
    unsupported_method,
    use_after_free,
    ensure_resource_availability,
    allow_header_conformance,
]
# `object_level_authorization` is left out: it needs two users' resources linked in a stateful
# run; the permission matrices in test_api.py cover who may write what.
EXAMPLES = 10  # per operation and mode: 16 operations × 2 modes × 10 in ~10 s on a quiet machine


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "api-key"])
def test_every_answer_matches_the_schema(api_schema, users, signed_in):
    """Each operation gets its own Hypothesis run, with schema-valid and schema-violating
    requests (the schemathesis pytest plugin's lazy fixture loader does not run on pytest 9, so
    the loop is written out). Signed in, the key is the plan owner's: writes reach the services."""
    headers = {"Authorization": f"Token {create_api_token(user=users['owner'])[1]}"} if signed_in else {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            run()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "api-key"])
def test_the_coverage_cases_match_the_schema(api_schema, users, signed_in):
    """Schemathesis' coverage phase: for each operation, deterministic requests at the edges of
    the schema (each boundary, each missing required parameter or header, a method the path does
    not support, …) — what `missing_required_header` and `unsupported_method` need to check."""
    headers = {"Authorization": f"Token {create_api_token(user=users['owner'])[1]}"} if signed_in else {}
    ran = 0
    for operation in [result.ok() for result in api_schema.get_all_operations()]:
        cases = api_schema.iter_coverage_cases(
            operation,
            generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
            generation_config=api_schema.config.generation_for(operation=operation, phase="coverage"),
            extra_data_source=None,
            error_feedback=None,
            session=None,
        )
        for case in cases:
            case.call_and_validate(headers=headers, checks=CHECKS)
            ran += 1
    assert ran > 100
