"""A property-based run of schemathesis over the OpenAPI schema: no request it generates,
valid or not, makes the API answer with a server error."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

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


def test_no_server_error(api_schema):
    """Each operation gets its own Hypothesis run (the schemathesis pytest plugin's lazy
    fixture loader does not run on pytest 9, so the loop is written out)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(checks=[not_a_server_error])

        run()
