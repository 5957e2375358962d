"""A small rate limit for public forms, kept in the shared cache (no third-party service), and
the one definition of a client's address, used by it, by the API's throttle and by the login
lockout (django-axes)."""

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle


def client_address(request) -> str:
    """The address the request came from. Behind `PONTE_TRUSTED_PROXIES` reverse proxies, each of
    which appends the address it saw to X-Forwarded-For, the client is the entry that many places
    from the right: whatever a client writes in the header itself stays further left and is never
    read, so a forged header changes nothing. Without trusted proxies the header is ignored."""
    proxies = settings.PONTE_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return chain[-proxies] if len(chain) >= proxies else remote


class ApiAnonRateThrottle(AnonRateThrottle):
    """REST framework's throttle for requests without a token, counted per `client_address`
    (its own reading of X-Forwarded-For trusted whatever the client sent)."""

    def get_ident(self, request):
        return client_address(request)


def allow(request, scope: str, *, limit: int, window: int = 3600) -> bool:
    """True while this client has made fewer than `limit` attempts in `window` seconds."""
    key = f"ponte:rate:{scope}:{client_address(request)}"
    if cache.add(key, 1, window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return True
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
