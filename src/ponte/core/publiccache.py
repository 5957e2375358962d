"""The cache of public pages and downloads (issue 16): what a visitor without a session sees,
served from the cache at the speed of `/healthz`, never stale after a publish.

How it works:

- `PublicCacheMiddleware` looks at the URL the request resolved to (`PUBLIC_PAGES`): only the
  public portal, its open-data downloads, the event pages, the sitemap and the public API's reads
  are cached, only for GET/HEAD from a visitor with no session cookie, no messages cookie and no
  `Authorization` header (staff, signed-in citizens and API tokens always get a fresh page, and
  `request.user` is never looked at: no database query on a hit).
- An entry's key holds the data's *versions*: an epoch (all data), the city's version (pages under
  `/<city>/` and `/api/v1/<city>/`) or the global version (the sitemap, the list of cities). A
  version is a token kept in the cache; `bump(city)` replaces it, so every earlier entry of the
  city becomes unreachable at once. A missing version (a flushed or evicted cache) is created
  anew, never guessed, so a flushed cache cannot serve an old entry either.
- Writes bump: `post_save`/`post_delete`/`m2m_changed` of every city-scoped model the public can
  see (`IGNORED` lists those it cannot: sessions, audit log, ratings, newsletter deliveries, import
  progress…), a City's change bumps everything, and the bulk writes that send no signals (the
  funding importers' COPY and bulk_create, merges, …) call `bump` themselves. A bump happens at
  once *and* again when the transaction commits: a page read by another request between the
  write and the commit could otherwise be stored under the new version with the old data.
- The version is read before the view runs and the entry stored under that version, so a page
  computed from data older than a bump can never be stored under the bump's version.
- CSRF: a page's masked tokens are replaced by a placeholder before it is stored; a hit gets the
  visitor's own token (`get_token`, which also makes CsrfViewMiddleware set the cookie).
- Conditional requests: public responses carry an ETag (the content's hash; with a CSRF token in
  the page a weak one that also depends on the visitor's CSRF secret) and a Last-Modified (the
  time of the versions), `Cache-Control: max-age=0, must-revalidate` (`private` when the page
  holds a CSRF token, `public` otherwise) and `Vary: Cookie`; If-None-Match/If-Modified-Since get
  304. Streamed downloads are teed and stored at their end when under `PONTE_PUBLIC_CACHE_MAX_BYTES`.

Settings: `PONTE_PUBLIC_CACHE_SECONDS` (0 turns storing off; conditional requests stay),
`PONTE_PUBLIC_CACHE_MAX_BYTES`.
"""

import contextlib
import hashlib
import math
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils.cache import get_conditional_response, patch_vary_headers

PREFIX = "ponte:public:"
EPOCH = PREFIX + "epoch"
GLOBAL = PREFIX + "global"

# The pages of visitors: url names by namespace ("" for the root and the API, which has none).
PUBLIC_PAGES = {
    "portal": None,  # every page of the portal but the forms' destinations below
    "participation": {"event-list", "event-detail", "calendar", "event-calendar", "training", "faq"},
    "": {
        "sitemap",
        "sitemap-section",  # a city's section of the index: the global version (any city's write bumps it)
        "api-cities",
        "api-plan",
        "api-actions",
        "api-action",
        "api-indicators",
        "api-indicator",
        "api-projects",
        "api-project",
        "api-relations",
        "api-relation",
        "api-events",
        "api-event",
        "api-news",
        "api-news-item",
    },
}
NOT_CACHED = {"portal": {"rate-page", "disservice", "disservice-sent"}}
# Models whose rows the public never sees: writing them does not empty the city's cache.
IGNORED = {
    "core.membership",
    "core.importjob",
    "core.followup",
    "plan.updatereminder",
    "plan.workbookupload",
    "portal.pagerating",
    "portal.follower",
    "portal.change",
    "portal.notice",
    "participation.subscriber",
    "participation.campaign",
    "participation.delivery",
    "participation.segment",
    "reports.report",
    "reports.reportdefinition",
    "reports.calendarlink",
}
# Response headers a page may vary on and still be stored (the key holds the rest).
STORABLE_VARY = {"cookie", "accept", "accept-language", "accept-encoding"}
PLACEHOLDER = b"ponteCsrfPlaceholder0x7c3e"
TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
# One process's map from a city's slug to (the epoch when it was looked up, the city's id).
_city_ids: dict[str, tuple[str, int]] = {}


def seconds() -> int:
    return int(getattr(settings, "PONTE_PUBLIC_CACHE_SECONDS", 0) or 0)


def max_bytes() -> int:
    return int(getattr(settings, "PONTE_PUBLIC_CACHE_MAX_BYTES", 0) or 0)


def _city_key(city_id) -> str:
    return f"{PREFIX}city:{city_id}"


def _token() -> str:
    return f"{time.time():.6f}:{secrets.token_hex(6)}"


def _stamp(version: str) -> float:
    return float(version.split(":", 1)[0])


# --- invalidation -------------------------------------------------------------------------


class _Flush:
    """The bump a transaction owes at its commit (one per transaction, for every city it wrote)."""

    def __init__(self):
        self.keys = set()

    def __call__(self):
        token = _token()
        cache.set_many(dict.fromkeys(self.keys, token), timeout=None)


def _bump_keys(keys: set[str], using=DEFAULT_DB_ALIAS) -> None:
    cache.set_many(dict.fromkeys(keys, _token()), timeout=None)  # now: this request sees it
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    # Again at the commit: a page read by another request before the commit may have been
    # stored under the version set just now. One callback per transaction, holding every key.
    for _sids, callback, *_ in connection.run_on_commit:
        if isinstance(callback, _Flush):
            callback.keys |= keys
            return
    flush = _Flush()
    flush.keys |= keys
    transaction.on_commit(flush, using=using)


def bump(city=None, using=DEFAULT_DB_ALIAS) -> None:
    """The public pages of `city` (a City, its id or its slug) and the site-wide ones are
    computed afresh from now on (and again after the current transaction commits); with no
    city, every cached page is."""
    if city is None:
        _bump_keys({EPOCH}, using)
        return
    if isinstance(city, str):
        from .models import City

        city = City.objects.filter(slug=city).values_list("pk", flat=True).first()
        if city is None:
            return
    _bump_keys({_city_key(getattr(city, "pk", city)), GLOBAL}, using)


def bump_all(using=DEFAULT_DB_ALIAS) -> None:
    bump(None, using)


def _watched(model) -> bool:
    from .models import City, CityScopedModel

    return (
        model is City or (issubclass(model, CityScopedModel) and model._meta.label_lower not in IGNORED)
    ) and not model._meta.abstract


def _written(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    from .models import City

    if isinstance(instance, City):
        _city_ids.clear()
        bump_all(using)
    else:
        bump(getattr(instance, "city_id", None), using)


def _linked(sender, instance, action, model, using=DEFAULT_DB_ALIAS, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if _watched(type(instance)):
        _written(sender, instance, using)
    elif _watched(model):
        bump_all(using)  # the other side of the link holds the city; any city may be concerned


def connect_signals() -> None:
    """Called from CoreConfig.ready(): every public model's writes bump its city."""
    from django.apps import apps

    for model in apps.get_models():
        if _watched(model):
            uid = f"ponte-public-cache-{model._meta.label_lower}"
            post_save.connect(_written, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(_written, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(_linked, dispatch_uid="ponte-public-cache-m2m")
    setting_changed.connect(_settings_changed, dispatch_uid="ponte-public-cache-settings")


# --- serving --------------------------------------------------------------------------------


def _on_primary():
    """A context in which the request's reads go to the primary database (ponte.core.dbrouting)."""
    try:
        from .dbrouting import replica_reads
    except ImportError:  # no replica routing in this installation
        return contextlib.nullcontext()
    return replica_reads(False)


def _public_page(request) -> str | None:
    """The version scope of a public page ("city" or "global"), None for any other request."""
    match = request.resolver_match
    if match is None or request.method not in ("GET", "HEAD"):
        return None
    names = PUBLIC_PAGES.get(match.namespace, set())
    if names is not None and match.url_name not in names:
        return None
    if match.url_name in NOT_CACHED.get(match.namespace, ()):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return None  # someone signed in, a citizen's session, a message to show: not the public's page
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    return "city" if "city" in match.kwargs else "global"


def _throttle_allows(request) -> bool:
    """An API read served from the cache counts against the anonymous rate limit as a computed
    one does (REST framework's throttle, in the view); once the limit is reached the view answers
    (429 with its problem details), and a refused request is not counted again there."""
    if not request.path.startswith("/api/"):
        return True
    from .ratelimit import ApiAnonRateThrottle

    return ApiAnonRateThrottle().allow_request(request, None)


def _filled(found: dict, keys: list[str]) -> dict:
    """`found` (from get_many) with every missing version created; `add`, so that a version
    another process set at the same moment wins and both store under the same one."""
    for key in keys:
        if key not in found:
            cache.add(key, _token(), timeout=None)
            found[key] = cache.get(key) or _token()
    return found


def _versions(request, scope) -> tuple[list[str], float] | None:
    """The versions the page's key holds and the time of the latest (Last-Modified).

    A city's slug is looked up once per process and remembered with the epoch of that moment:
    a change of any City bumps the epoch, so every process looks the slug up again then (a city
    removed and made anew under the same slug has another id)."""
    if scope == "city":
        slug = request.resolver_match.kwargs["city"]
        epoch, city_id = _city_ids.get(slug, (None, None))
        found = cache.get_many([EPOCH, _city_key(city_id)]) if epoch else {}
        if epoch is None or found.get(EPOCH) != epoch:
            from .models import City

            epoch = _filled(cache.get_many([EPOCH]), [EPOCH])[EPOCH]
            city_id = City.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if city_id is None:
                return None
            _city_ids[slug] = (epoch, city_id)
            found = {EPOCH: epoch}
        keys = [EPOCH, _city_key(city_id)]
    else:
        keys = [EPOCH, GLOBAL]
        found = cache.get_many(keys)
    found = _filled(found, keys)
    versions = [found[key] for key in keys]
    return versions, max(_stamp(v) for v in versions)


_fingerprint: list[str] = []
_code: list[str] = []
CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".svg"}


def _simple(value) -> bool:
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(_simple(item) for item in value)
    if isinstance(value, dict):
        return all(_simple(k) and _simple(v) for k, v in value.items())
    return value is None or isinstance(value, (str, int, float, bool))


def settings_fingerprint() -> str:
    """A digest of the configuration (every plain setting): a page stored under one configuration
    (a map's tile server, a provider, a language) is never served under another, after a
    redeploy with a changed environment or a test's `settings` fixture."""
    if not _fingerprint:
        names = sorted(name for name in dir(settings) if name.isupper())
        plain = [(name, repr(getattr(settings, name))) for name in names if _simple(getattr(settings, name))]
        _fingerprint.append(hashlib.sha256(repr(plain).encode()).hexdigest()[:16])
    return _fingerprint[0]


def code_fingerprint() -> str:
    """A digest of the code that draws the pages (Python, templates, translations, the static
    files' manifest): a deploy that changes a template or an asset is never served a page stored
    by the release before, with no step to remember. Computed once per process (tens of ms)."""
    if not _code:
        package = Path(__file__).resolve().parents[1]
        digest = hashlib.sha256()
        for path in sorted(package.rglob("*")):
            if path.suffix in CODE_SUFFIXES and "tests" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(package)).encode())
                digest.update(path.read_bytes())
        manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
        if settings.STATIC_ROOT and manifest.is_file():
            digest.update(manifest.read_bytes())
        _code.append(digest.hexdigest()[:16])
    return _code[0]


def _settings_changed(**kwargs):
    _fingerprint.clear()


def _entry_key(request, versions) -> str:
    from django.utils import translation

    parts = [
        *versions,
        settings_fingerprint(),
        code_fingerprint(),
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        translation.get_language() or "",
    ]
    if request.path.startswith("/api/"):
        parts.append(request.META.get("HTTP_ACCEPT", ""))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PREFIX}page:{digest}"


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    if getattr(response, "is_async", False):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    varies = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if varies - STORABLE_VARY:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "_queued_messages", None))


def _template(request, content: bytes) -> tuple[bytes, bool]:
    """The page with the request's CSRF tokens replaced by the placeholder; whether it had one."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content, False
    found = False

    def swap(match):
        nonlocal found
        try:
            same = _unmask_cipher_token(match.group().decode()) == secret
        except (ValueError, IndexError):
            same = False
        found = found or same
        return PLACEHOLDER if same else match.group()

    return TOKEN.sub(swap, content), found


def _etag(template: bytes, has_token: bool, request) -> str:
    if has_token:  # the bytes differ at every request (the mask): the same page for this secret
        secret = request.META.get("CSRF_COOKIE", "")
        return f'W/"{hashlib.sha256(template + secret.encode()).hexdigest()[:32]}"'
    return f'"{hashlib.sha256(template).hexdigest()[:32]}"'


def _headers_for_public(response, has_token: bool, etag: str | None, modified: float | None) -> None:
    if etag:
        response["ETag"] = etag
    if modified:
        from django.utils.http import http_date

        response["Last-Modified"] = http_date(math.ceil(modified))
    response["Cache-Control"] = ("private" if has_token else "public") + ", max-age=0, must-revalidate"
    patch_vary_headers(response, ("Cookie",))


def _conditional(request, response, etag, modified):
    """304 when the visitor's copy is current (Django's rules for If-None-Match and
    If-Modified-Since); the 304 says whether the page came from the cache, as the 200 would."""
    answer = get_conditional_response(
        request, etag=etag, last_modified=math.ceil(modified) if modified else None, response=response
    )
    if answer is not response and "X-Ponte-Cache" in response:
        answer["X-Ponte-Cache"] = response["X-Ponte-Cache"]
    return answer


class PublicCacheMiddleware:
    """Serves and stores the public pages (see the module's docstring). Sits below the CSRF,
    session, language and message middleware, so their work on the response happens on a hit too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            if primary := getattr(request, "_ponte_primary", None):
                primary.__exit__(None, None, None)
        scope = getattr(request, "_ponte_public", None)
        if scope is None or getattr(response, "_ponte_hit", False):
            return response
        return self._finish(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = _public_page(request)
        if scope is None:
            return None
        request._ponte_public = scope
        request._ponte_key = request._ponte_modified = None
        if seconds() <= 0:
            return None
        versions = _versions(request, scope)
        if versions is None:
            return None
        request._ponte_modified = versions[1]
        request._ponte_key = _entry_key(request, versions[0])
        entry = cache.get(request._ponte_key)
        if entry is not None and _throttle_allows(request):
            return self._hit(request, entry)
        # A page that may be stored is read on the primary: a replica's lag could otherwise put
        # the data from before a publish under the version the publish set.
        request._ponte_primary = _on_primary()
        request._ponte_primary.__enter__()
        return None

    def _hit(self, request, entry):
        body = entry["body"]
        if entry["token"]:
            body = body.replace(PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(body, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Ponte-Cache"] = "hit"
        response._ponte_hit = True
        _headers_for_public(response, entry["token"], _etag(entry["body"], entry["token"], request), entry["modified"])
        return _conditional(request, response, response["ETag"], entry["modified"])

    def _finish(self, request, response):
        """A public page computed now: conditional headers, stored when it may be."""
        control = response.get("Cache-Control", "").lower()
        if response.status_code != 200 or "private" in control or "no-store" in control:
            return response
        modified = request._ponte_modified
        key = request._ponte_key if _storable(request, response) else None
        if key:
            response["X-Ponte-Cache"] = "miss"
        if response.streaming:
            _headers_for_public(response, False, None, modified)
            if key:
                response.streaming_content = self._tee(request, response, response.streaming_content, key, modified)
            return _conditional(request, response, None, modified)
        template, has_token = _template(request, response.content)
        if key and len(template) <= max_bytes():
            self._store(request, response, key, template, has_token, modified)
        _headers_for_public(response, has_token, _etag(template, has_token, request), modified)
        return _conditional(request, response, response["ETag"], modified)

    def _store(self, request, response, key, body, has_token, modified):
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in ("content-length", "x-ponte-cache", "etag", "last-modified", "cache-control")
        ]
        entry = {"status": response.status_code, "headers": headers, "body": body, "token": has_token}
        cache.set(key, {**entry, "modified": modified}, timeout=seconds())

    def _tee(self, request, response, content, key, modified):
        """The stream as it goes to the visitor, kept and stored at its end when small enough."""
        limit = max_bytes()
        kept, size = [], 0
        chunks = iter(content)
        while True:
            with _on_primary():  # a streamed download reads as it is sent (see process_view)
                chunk = next(chunks, None)
            if chunk is None:
                break
            yield chunk
            if kept is not None:
                size += len(chunk)
                if size <= limit:
                    kept.append(bytes(chunk))
                else:
                    kept = None
        if kept is not None:
            template, has_token = _template(request, b"".join(kept))
            self._store(request, response, key, template, has_token, modified)
