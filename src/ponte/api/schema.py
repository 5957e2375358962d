"""The OpenAPI schema documents every answer the API gives (issue 14): besides the success, each
operation lists the RFC 9457 problems (`application/problem+json`, `problems.py`) it can return,
so a client (and schemathesis, `tests/test_fuzz.py`) finds every status code and body described."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers

from .problems import CONTENT_TYPE


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The offending field (null: the request as a whole).")
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """An error as RFC 9457 problem details."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = FieldErrorSerializer(many=True, required=False, help_text="Validation errors only.")


WHY = {
    "400": "Invalid parameters or body: `errors` names each field.",
    "401": "Missing, unknown or revoked token, or an inactive user.",
    "403": "The token's user has no role allowing this on the item.",
    "404": "No such city, item or page.",
    "415": "The body's media type is not one the operation reads (JSON, form or multipart).",
    "429": "Too many requests from this address without a token.",
}


class ApiSchema(AutoSchema):
    def _problem_codes(self):
        codes = {"401", "404"}  # any request may carry an invalid token; every path names a city
        if self.method != "GET":
            codes |= {"400", "403", "415"}
        elif self._is_list_view():
            codes.add("400")  # a filter's value django-filter refuses, a search with a NUL character
        if any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            codes.add("429")  # only requests without a token are throttled, after authentication
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith("/api/v1/"):
            return responses
        for code in self._problem_codes():
            if code not in responses:
                response = self._get_response_for_code(ProblemSerializer, code, [CONTENT_TYPE], direction)
                response["description"] = WHY[code]
                responses[code] = response
        return responses


def no_nul_in_query_strings(result, generator, request, public):
    """A free-text query parameter (a search, a filter's text) may hold any character but NUL, which
    Django's forms refuse (400) and no database stores: the schema says so, so clients and the
    fuzzing tests know a NUL is invalid input rather than a value the API should accept."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if (
                    parameter.get("in") == "query"
                    and parameter.get("name") != "ordering"  # unknown orderings are ignored, NUL or not
                    and schema.get("type") == "string"
                    and not {"enum", "format", "pattern"} & set(schema)
                ):
                    schema["pattern"] = "^[^\\x00]*$"
    return result
