"""Errors of the API as RFC 9457 problem details (`application/problem+json`).

Every error body has `type`, `title`, `status` and `detail`; validation errors add `errors`,
a list of `{field, message}` naming each offending field.
"""

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_TYPE = "https://ponte.readthedocs.io/api/problems/"  # documented in README "API"
CONTENT_TYPE = "application/problem+json"


def _flatten(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            name = key if key not in ("non_field_errors", "__all__") else ""
            yield from _flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
    elif isinstance(data, list):
        for item in data:
            yield from _flatten(item, prefix)
    else:
        yield {"field": prefix or None, "message": str(data)}


def problem(status_code: int, detail: str, *, errors=None, kind: str | None = None) -> dict:
    body = {
        "type": PROBLEM_TYPE + (kind or HTTPStatus(status_code).phrase.lower().replace(" ", "-")),
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(exc.detail))
        detail = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = str(response.data["detail"])
    else:
        detail = str(exc)
    response.data = problem(response.status_code, detail, errors=errors)
    response.content_type = CONTENT_TYPE
    return response


@csrf_exempt  # it changes nothing; a POST to an unknown address is a 404 problem, not the HTML CSRF page
def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/ answer with a problem, not the HTML 404 page."""
    return JsonResponse(
        problem(status.HTTP_404_NOT_FOUND, f"No API resource at {request.path}."),
        status=404,
        content_type=CONTENT_TYPE,
    )
