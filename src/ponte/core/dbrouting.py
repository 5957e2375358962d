"""Reads on a PostgreSQL replica, writes on the primary (`DATABASE_REPLICA_URL`).

Only what an anonymous visitor reads with GET or HEAD goes to the `replica` alias: the public
portal, the open data and the API without a token, which is almost all of the traffic and never
needs the last second's writes. Everything else reads from the primary, so whoever writes sees
what they wrote (read-your-writes):

- a request that may write (POST, PUT, PATCH, DELETE), and any query inside a transaction;
- a signed-in person (staff, or a citizen signed in with SPID/CIE) and any request with an
  `Authorization` header (API tokens);
- for a few seconds after a visitor's own write (`PONTE_REPLICA_PIN_SECONDS`): the write's
  response sets a short cookie, so the page its form redirects to (a registration, a rating,
  a subscription) is read where the write went, whatever the replica's lag;
- the worker, management commands, migrations and anything else outside a request.

`ReplicaReadsMiddleware` decides per request and holds the choice in a context variable (one per
thread or task); `ReplicaRouter` reads it. Migrations run on the primary only.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "ponte_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_reads_on_replica = contextvars.ContextVar("ponte_reads_on_replica", default=False)


def replica_configured() -> bool:
    return settings.PONTE_READ_REPLICA and REPLICA in settings.DATABASES


@contextmanager
def replica_reads(enabled: bool = True):
    """Within the block, reads go to the replica (when one is configured)."""
    token = _reads_on_replica.set(enabled)
    try:
        yield
    finally:
        _reads_on_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _reads_on_replica.get() or not replica_configured():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:  # a transaction reads its own writes
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: a row read on either may point at the other.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def reads_on_replica(request) -> bool:
    """Whether this request's reads may go to the replica (see the module's docstring)."""
    if request.method not in SAFE_METHODS or PIN_COOKIE in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class ReplicaReadsMiddleware:
    """After AuthenticationMiddleware: sends the reads of anonymous GET and HEAD to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        on_replica = reads_on_replica(request)
        with replica_reads(on_replica):
            response = self.get_response(request)
        if on_replica and response.streaming and not response.is_async:  # a streamed download reads as it is sent
            response.streaming_content = self._on_replica(response.streaming_content)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.PONTE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _on_replica(content):
        iterator = iter(content)
        while True:
            with replica_reads():
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            yield chunk
