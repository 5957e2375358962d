"""A small rate limit for public forms, kept in the shared cache (no third-party service), and
the one definition of a client's address, used by it, by the API's throttle and by the login
lockout (django-axes)."""

import ipaddress

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle


def client_address(request) -> str:
    """The address the request came from. Behind `PONTE_TRUSTED_PROXIES` reverse proxies, each of
    which appends the address it saw to X-Forwarded-For, the client is the entry that many places
    from the right: whatever a client writes in the header itself stays further left and is never
    read, so a forged header changes nothing. Without trusted proxies the header is ignored."""
    proxies = settings.PONTE_TRUSTED_PROXIES
    remote = _valid(request.META.get("REMOTE_ADDR"))
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return _valid(chain[-proxies], remote) if len(chain) >= proxies else remote


UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - not a bind address: the client address nobody told us


def _valid(address, default=UNKNOWN_ADDRESS) -> str:
    """`address` if it is an IP address, else `default`: the lockout stores addresses in an
    address column (PostgreSQL's `inet`), which refuses anything else — a request without
    REMOTE_ADDR (a Unix socket, a sign-in outside a request) must not turn a login into a 500."""
    try:
        return str(ipaddress.ip_address(str(address or "").strip()))
    except ValueError:
        return default


class ApiAnonRateThrottle(AnonRateThrottle):
    """REST framework's throttle for requests without a token, counted per `client_address`
    (its own reading of X-Forwarded-For trusted whatever the client sent)."""

    def get_ident(self, request):
        return client_address(request)


def _key(request, scope: str) -> str:
    return f"ponte:rate:{scope}:{client_address(request)}"


def used_up(request, scope: str, *, limit: int) -> bool:
    """Whether this client has already made `limit` attempts counted by `allow` in the current
    window, without counting one more (a view that counts only its failures asks this first)."""
    return (cache.get(_key(request, scope)) or 0) >= limit


def allow(request, scope: str, *, limit: int, window: int = 3600) -> bool:
    """True while this client has made fewer than `limit` attempts in `window` seconds.

    The count is shared by every process through the cache; on Redis `add` is SET NX with its
    expiry and `incr` is INCR, both atomic, so concurrent requests on several machines each count."""
    key = _key(request, scope)
    if cache.add(key, 1, window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return True
    if count == 1:
        # The key expired between Redis's EXISTS and INCR, and INCR made it anew without an
        # expiry: give it one, or this client would be counted (and one day limited) forever.
        cache.touch(key, window)
    return count <= limit


class RateLimitedPostMixin:
    """For public form views: past `rate_limit` posts per hour from one client, answer 429 with
    the form and a `limited` flag instead of handling the post."""

    rate_scope = ""
    rate_limit = 20

    def post(self, request, *args, **kwargs):
        if not allow(request, self.rate_scope, limit=self.rate_limit):
            response = self.render_to_response(self.get_context_data(form=self.get_form(), limited=True))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)
