"""A small rate limit for public forms, kept in the shared cache (no third-party service)."""

from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


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
