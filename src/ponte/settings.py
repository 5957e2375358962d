"""Ponte settings: every value that differs between installations comes from the environment.

The variables are documented in README.md ("Configuration"). Defaults are for a single
office running `make run` on one machine; with DEBUG off the settings refuse to start
without a secret key and switch on secure cookies and HSTS.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.secretkey import secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# With DEBUG off a missing, short or well-known key stops the start (ponte.core.secretkey).
if not DEBUG and (problem := secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(problem)
if not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ponte.core.admin_site.PonteAdminConfig",  # the Django admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "auditlog",
    "axes",
    "django_otp",  # two-factor authentication (issue 14), see ponte.core.twofactor
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys as a second factor (issue 14), see ponte.core.passkeys
    "django_tasks",
    "django_tasks_db",
    "ponte.core",
    "ponte.plan",
    "ponte.funding",
    "ponte.diplomacy",
    "ponte.governance",
    "ponte.cooperation",
    "ponte.participation",
    "ponte.portal",
    "ponte.reports",
    "ponte.collaboration",
    "ponte.intelligence",
    "spid_cie_oidc.entity",  # SPID/CIE OpenID Connect Federation (issue 14), see ponte.citizens
    "ponte.citizens",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (issue 14), below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ponte.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ponte.core.dbrouting.ReplicaReadsMiddleware",  # anonymous reads on the replica, when there is one
    "django_otp.middleware.OTPMiddleware",
    "ponte.core.twofactor.TwoFactorMiddleware",  # a second factor before the back office
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ponte.core.publiccache.PublicCacheMiddleware",  # public pages from the cache (issue 16)
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",  # last: a locked-out sign-in gets its page
]

ROOT_URLCONF = "ponte.urls"
WSGI_APPLICATION = "ponte.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "ponte" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ponte.core.context_processors.ponte",
            ],
        },
    },
]
# Django's form renderer, with <select>s written in Python instead of one template per <option>
# (same markup; ponte.core.formrenderer): long lists cost a staff page half its time otherwise.
FORM_RENDERER = "ponte.core.formrenderer.PonteFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'ponte.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
# SQLite shared by the web server and the worker: readers never wait for the writer (WAL), a
# writer waits its turn (busy timeout) instead of failing with "database is locked", and
# transactions take the write lock when they begin (IMMEDIATE), because SQLite cannot let a
# transaction that has read turn into a writer while another writes.
SQLITE_OPTIONS = {
    "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
# A PostgreSQL replica (streaming replication) for the anonymous visitors' reads; writes, staff,
# the worker and commands stay on the primary, migrations run there only (ponte.core.dbrouting).
# PONTE_REPLICA_PIN_SECONDS: after a visitor's own write, their reads stay on the primary this long.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
DATABASE_ROUTERS = ["ponte.core.dbrouting.ReplicaRouter"]
PONTE_READ_REPLICA = "replica" in DATABASES
PONTE_REPLICA_PIN_SECONDS = env_int("PONTE_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client's address (rate limits, API throttle, sign-in lockout): REMOTE_ADDR, or behind this
# many reverse proxies that append to X-Forwarded-For, the entry they appended (ponte.core.ratelimit).
PONTE_TRUSTED_PROXIES = env_int("PONTE_TRUSTED_PROXIES", 0)
# Sign-in lockout (django-axes, ponte.core.lockout): after this many wrong passwords for one
# account from one address, that pair waits this many minutes; on the back office and the admin.
AUTHENTICATION_BACKENDS = ["ponte.core.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("PONTE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("PONTE_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "ponte.core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "ponte.core.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
OTP_TOTP_ISSUER = "Ponte"  # the name authenticator apps show beside the code
# Passkeys (WebAuthn, django-otp-webauthn, ponte.core.passkeys): only ever a second factor, after
# the password. The relying party id is the site's domain, PONTE_WEBAUTHN_RP_ID, by default the host
# of each request (vetted by ALLOWED_HOSTS); a passkey works only on the domain it was made for, so
# changing it makes every passkey stop working. PONTE_WEBAUTHN_ORIGINS: the addresses people sign in
# at (https://…), by default the request's own. Browsers refuse passkeys on a bare IP address.
PONTE_WEBAUTHN_RP_ID = os.environ.get("PONTE_WEBAUTHN_RP_ID", "")
OTP_WEBAUTHN_RP_ID_CALLABLE = "ponte.core.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = os.environ.get("PONTE_WEBAUTHN_RP_NAME", "Ponte")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("PONTE_WEBAUTHN_ORIGINS")
OTP_WEBAUTHN_HELPER_CLASS = "ponte.core.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# SPID/CIE sign-in for people outside the city (ponte.citizens, spid-cie-oidc's federation code):
# configured per city with `manage.py identity_setup`; these are the federation client's limits.
HTTPC_TIMEOUT = int(os.environ.get("PONTE_SPID_CIE_HTTP_TIMEOUT", "8"))  # seconds per federation request
OIDCFED_TRUST_ANCHORS = env_list("PONTE_SPID_CIE_TRUST_ANCHORS")  # informative: each city names its own
AXES_VERBOSE = False  # no banner on every command's output (manage.py check --deploy must read clean)
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successful sign-ins are not logged by axes

# Single sign-on for staff through the Comune's OpenID Connect provider (mozilla-django-oidc,
# rules in ponte.core.sso): off unless the issuer, client id and secret are set. Endpoints come
# from the issuer's discovery document unless given; roles are always granted in Ponte.
PONTE_OIDC_ISSUER = os.environ.get("PONTE_OIDC_ISSUER", "")
PONTE_OIDC_CLIENT_ID = os.environ.get("PONTE_OIDC_CLIENT_ID", "")
PONTE_OIDC_CLIENT_SECRET = os.environ.get("PONTE_OIDC_CLIENT_SECRET", "")
PONTE_OIDC_ENDPOINTS = {
    name: os.environ.get(f"PONTE_OIDC_{name.upper()}_ENDPOINT", "")
    for name in ("authorization", "token", "userinfo", "jwks", "end_session")
}
PONTE_OIDC_SIGN_ALGO = os.environ.get("PONTE_OIDC_SIGN_ALGO", "RS256")
PONTE_OIDC_SCOPES = os.environ.get("PONTE_OIDC_SCOPES", "openid email profile")
PONTE_OIDC_LABEL = os.environ.get("PONTE_OIDC_LABEL", "")  # the button's text; translated default
# What counts as a second factor already given at the provider: an `amr` value or an `acr` value.
# RFC 8176: only "mfa" says two factors were used; "otp" or "hwk" alone may be the one factor.
PONTE_OIDC_MFA_AMR = env_list("PONTE_OIDC_MFA_AMR", "mfa")
PONTE_OIDC_MFA_ACR = env_list("PONTE_OIDC_MFA_ACR")
PONTE_OIDC_LOGOUT_AT_PROVIDER = env_bool("PONTE_OIDC_LOGOUT_AT_PROVIDER", False)
PONTE_OIDC_ONLY = env_bool("PONTE_OIDC_ONLY", False)  # accounts linked to the provider: no password
OIDC_TIMEOUT = env_int("PONTE_OIDC_TIMEOUT", 10)

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
# Ponte's catalogue (written by `make makemessages`), then the entries no extractor sees, kept
# where makemessages never writes (ponte/translations: no source file lives there).
LOCALE_PATHS = [BASE_DIR / "src" / "ponte" / "locale", BASE_DIR / "src" / "ponte" / "translations" / "locale"]
# Italian dates in lower case and without a leading zero ("1 gennaio 2024"), see the module.
FORMAT_MODULE_PATH = ["ponte.core.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "src" / "ponte" / "static"]
# Bootstrap Italia comes from npm (`npm ci` in the Makefile) and is served by the app, never a CDN.
if (BASE_DIR / "node_modules" / "bootstrap-italia" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/bootstrap-italia", BASE_DIR / "node_modules" / "bootstrap-italia" / "dist"))
if (BASE_DIR / "node_modules" / "chart.js" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"))
# Tom Select makes long choice lists searchable (static/ponte/forms.js); the plain select works without it.
if (BASE_DIR / "node_modules" / "tom-select" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploaded and generated files (documents, reports, import files, logos) on any Django storage:
# the local MEDIA_ROOT by default; PONTE_STORAGE_BACKEND=s3 (or AWS_STORAGE_BUCKET_NAME set) puts
# them in an S3-compatible bucket through django-storages (AWS, MinIO, Ceph, OVH, Aruba...), private,
# never overwritten; any other value is a storage class's dotted path. Ponte reads every file
# through the storage (ponte.core.storage), so web and worker may run on different machines.
PONTE_STORAGE_BACKEND = os.environ.get(
    "PONTE_STORAGE_BACKEND", "s3" if os.environ.get("AWS_STORAGE_BUCKET_NAME") else "local"
)
if PONTE_STORAGE_BACKEND == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif PONTE_STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own (private): files are served by core.files after its check
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300),
            "file_overwrite": False,
        },
    }
    if not _default_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("PONTE_STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
else:
    _default_storage = {"BACKEND": PONTE_STORAGE_BACKEND}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# Mail goes over real SMTP; the default points at a local relay.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ponte@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The cache holds what the web processes and the worker share: import progress, rate limits,
# locks (ponte.core.locks), public pages, sessions. Files in var/cache by default (one machine);
# REDIS_URL (redis://host:6379/0) puts it on Redis through Django's own RedisCache, which any
# number of machines share; CACHE_BACKEND and CACHE_LOCATION name any other Django cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not os.environ.get("CACHE_BACKEND"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering fails the request in seconds instead of hanging it.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"),
            "LOCATION": os.environ.get("CACHE_LOCATION", str(BASE_DIR / "var" / "cache")),
        }
    }
# Sessions live in the database; with a cache every machine shares they are read from it and
# written through to the database (cached_db): any web process serves any request, and emptying
# the cache signs nobody out.
SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)
if CACHES["default"]["BACKEND"] in SHARED_CACHE_BACKENDS:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Public pages and downloads served from the cache for this many seconds (0: never stored),
# emptied for a city at every write the public sees (ponte.core.publiccache); a download is
# stored only up to PONTE_PUBLIC_CACHE_MAX_BYTES.
PONTE_PUBLIC_CACHE_SECONDS = env_int("PONTE_PUBLIC_CACHE_SECONDS", 600)
PONTE_PUBLIC_CACHE_MAX_BYTES = env_int("PONTE_PUBLIC_CACHE_MAX_BYTES", 10_000_000)

# Background work: a database-backed queue by default (`manage.py db_worker`); with
# TASKS_BACKEND=django_tasks_rq.RQBackend, RQ on Redis (`manage.py rqworker`). `manage.py worker`
# starts whichever is configured.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
PONTE_TASKS_ON_RQ = TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"


def _next_redis_database(url: str) -> str:
    """The same Redis server, the database after the one `url` names (redis://h:6379/0 → /1)."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{int(parts.path.strip('/') or 0) + 1}").geturl() if url else ""


# The queue's Redis: RQ_REDIS_URL, by default REDIS_URL's server in the next database, never the
# cache's own (emptying the cache, FLUSHDB, would drop the queued jobs). Jobs have RQ_JOB_TIMEOUT
# seconds (a day: a newsletter to many subscribers takes hours); RQ stops a job past it.
RQ_REDIS_URL = os.environ.get("RQ_REDIS_URL") or _next_redis_database(REDIS_URL)
RQ_QUEUES = {"default": {"URL": RQ_REDIS_URL, "DEFAULT_TIMEOUT": env_int("RQ_JOB_TIMEOUT", 24 * 3600)}}
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # the worker runs django-tasks' tasks
if PONTE_TASKS_ON_RQ:
    if not RQ_REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=django_tasks_rq.RQBackend needs REDIS_URL or RQ_REDIS_URL.")
    if CACHES["default"].get("LOCATION") == RQ_REDIS_URL:
        raise ImproperlyConfigured("RQ_REDIS_URL must name another Redis database than the cache's (REDIS_URL).")
    INSTALLED_APPS.append("django_rq")  # rqworker, rqstats (its admin dashboard is taken out: core.apps)

# Imports: the largest file the upload form takes (larger ones go through `manage.py
# import_funding`), and the minutes without a sign of life after which a queued or running
# job is declared failed (its worker died, or none is running).
PONTE_IMPORT_MAX_MB = env_int("PONTE_IMPORT_MAX_MB", 512)
PONTE_IMPORT_STALL_MINUTES = env_int("PONTE_IMPORT_STALL_MINUTES", 30)

# The plan workbook's upload (read by the background worker), bounded before anything parses
# it: the file's size, its unzipped size and the ratio of any large part (a zip bomb is refused
# before openpyxl opens it), and the rows and columns read from each sheet.
PONTE_WORKBOOK_MAX_MB = env_int("PONTE_WORKBOOK_MAX_MB", 5)
PONTE_WORKBOOK_MAX_UNZIPPED_MB = env_int("PONTE_WORKBOOK_MAX_UNZIPPED_MB", 20)
PONTE_WORKBOOK_MAX_RATIO = env_int("PONTE_WORKBOOK_MAX_RATIO", 100)
PONTE_WORKBOOK_MAX_ROWS = env_int("PONTE_WORKBOOK_MAX_ROWS", 10000)
PONTE_WORKBOOK_MAX_COLUMNS = env_int("PONTE_WORKBOOK_MAX_COLUMNS", 30)

# Uploaded documents and images (`core.uploads`): the largest of each kind, in MB.
PONTE_UPLOAD_MAX_MB = env_int("PONTE_UPLOAD_MAX_MB", 20)
PONTE_IMAGE_MAX_MB = env_int("PONTE_IMAGE_MAX_MB", 5)
# Stored files are served by `core.files` after its check; in production the web server can send
# them: "" (Django streams them), "x-accel-redirect" (nginx: an `internal` location at the prefix,
# aliased to MEDIA_ROOT) or "x-sendfile" (Apache mod_xsendfile, Lighttpd: the file's path).
PONTE_SENDFILE = os.environ.get("PONTE_SENDFILE", "")
PONTE_SENDFILE_PREFIX = os.environ.get("PONTE_SENDFILE_PREFIX", "/protected-media/")
if PONTE_SENDFILE not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured('PONTE_SENDFILE must be "", "x-accel-redirect" or "x-sendfile".')

# Seconds between two newsletter messages (a relay's rate limit).
NEWSLETTER_THROTTLE = float(os.environ.get("NEWSLETTER_THROTTLE", "0.2"))
# Minutes without a sign of life after which a newsletter send is resumed by another worker.
NEWSLETTER_STALL_MINUTES = env_int("NEWSLETTER_STALL_MINUTES", 15)

# A list's filter left empty reads "Tutti" (django-filter would show "---------").
FILTERS_EMPTY_CHOICE_LABEL = pgettext_lazy("list filter", "All")

# The city shown at "/" and used by commands when none is named.
PONTE_DEFAULT_CITY = os.environ.get("PONTE_DEFAULT_CITY", "bologna")

# Secure defaults when DEBUG is off; each can be relaxed explicitly behind a proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading binds the domain and every subdomain to HTTPS in browsers for months: the city's
# decision (SECURE_HSTS_PRELOAD=1), so `check --deploy` does not ask for it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if not OTP_WEBAUTHN_ALLOWED_ORIGINS:  # the request's own origin is expected (ponte.core.passkeys)
    SILENCED_SYSTEM_CHECKS.append("otp_webauthn.E030")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts, images and requests from the app
# itself only, never inline (no `style="…"`, no `<script>` without `src`, no `javascript:` link),
# so markup that slips into a page cannot run. `data:` images and fonts come from Bootstrap Italia's
# CSS. The API's ReDoc page alone adds inline styles (api/urls.py); docs/security.md lists every control.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Logging out at the Comune's provider (PONTE_OIDC_LOGOUT_AT_PROVIDER) redirects the logout
# form's POST there, and a form's redirect is held to form-action.
if PONTE_OIDC_LOGOUT_AT_PROVIDER and PONTE_OIDC_ISSUER:
    _provider = urlsplit(PONTE_OIDC_ENDPOINTS["end_session"] or PONTE_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_provider.scheme}://{_provider.netloc}")
# The portal's map of projects (portal.citymap) is SVG drawn from the data set's shapes; with a tile
# server (e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png" and its attribution, HTML allowed)
# it becomes an interactive map over those tiles, whose origin the CSP then lets images come from.
PONTE_MAP_TILE_URL = os.environ.get("PONTE_MAP_TILE_URL", "")
PONTE_MAP_TILE_ATTRIBUTION = os.environ.get("PONTE_MAP_TILE_ATTRIBUTION", "")
if PONTE_MAP_TILE_URL.startswith(("https://", "http://")):
    _tiles = urlsplit(PONTE_MAP_TILE_URL.replace("{s}.", ""))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"{_tiles.scheme}://*.{_tiles.netloc}" if "{s}." in PONTE_MAP_TILE_URL else f"{_tiles.scheme}://{_tiles.netloc}"
    )
if (BASE_DIR / "node_modules" / "leaflet" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # PDF writing and charts narrate every step at INFO: keep their warnings only.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "matplotlib", "PIL")},
}

# Open data: the licence of every data set (an SPDX id known to `ponte.portal.opendata`) and the
# address people write to about the data.
OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC-BY-4.0")
OPEN_DATA_CONTACT = os.environ.get("OPEN_DATA_CONTACT", DEFAULT_FROM_EMAIL)

# REST API (ponte.api): public reads without a login, staff writes with a token; errors as
# RFC 9457 problem details; the OpenAPI 3 schema at /api/schema/ with docs at /api/docs/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ponte.core.tokens.HashedTokenAuthentication",  # keys stored as digests (issue 14)
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "ponte.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "ponte.api.schema.ApiSchema",  # documents the problems too (issue 14)
    "EXCEPTION_HANDLER": "ponte.api.problems.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/minute")},
    "DEFAULT_THROTTLE_CLASSES": ["ponte.core.ratelimit.ApiAnonRateThrottle"],  # per client_address
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ponte API",
    "DESCRIPTION": (
        "Published data of a city's strategic plan for European and international action: plan, "
        "actions, indicators, funded projects, international relations, events and news. Reads "
        "are public; writes need a staff token (header `Authorization: Token <key>`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the statuses of an action, written on the action and on its periodic updates.
    "ENUM_NAME_OVERRIDES": {"ActionStatusEnum": "ponte.plan.models.Action.Status"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ponte.api.schema.no_nul_in_query_strings",
    ],
}

# Suggestions and semantic search (ponte.intelligence): the embedding model's threads (0: all
# cores) and whether saving an action, a project, a call, … queues the recomputation of its
# vector in the background (tests turn it off and compute vectors when they are read).
PONTE_EMBEDDING_THREADS = env_int("PONTE_EMBEDDING_THREADS", 0)
PONTE_EMBED_ON_SAVE = os.environ.get("PONTE_EMBED_ON_SAVE", "1") == "1"
# A folder where vectors are also kept as files, shared by processes (off by default; the tests use it).
PONTE_EMBEDDING_CACHE_DIR = os.environ.get("PONTE_EMBEDDING_CACHE_DIR", "")
# Whether an object's SDG suggestions are queued for the background worker when someone who may
# decide on them first opens its page, which says "Suggerimenti in calcolo…" and fills in by itself
# (otherwise only by its "Ricalcola" button and the bulk runs).
PONTE_SDG_SUGGEST_ON_VIEW = os.environ.get("PONTE_SDG_SUGGEST_ON_VIEW", "1") == "1"
