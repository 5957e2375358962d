"""Settings of the test federation: trust anchor and SPID provider on loopback.

Modelled on spid-cie-oidc's examples/federation_authority; everything comes from the
environment the test fixture sets (FEDERATION_BASE, FEDERATION_DB).
"""

import os

import aiohttp

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FEDERATION_BASE = os.environ.get("FEDERATION_BASE", "http://127.0.0.1:8000")

SECRET_KEY = os.environ.get("FEDERATION_SECRET_KEY", "test-federation-only-" + "x" * 40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
APPEND_SLASH = False

# "anchor": the trust anchor with the SPID provider; "cie": a CIE provider under that anchor
# (the package's provider serves one profile per process).
FEDERATION_ROLE = os.environ.get("FEDERATION_ROLE", "anchor")
OIDCFED_DEFAULT_TRUST_ANCHOR = os.environ.get("FEDERATION_TRUST_ANCHOR", FEDERATION_BASE)
OIDCFED_TRUST_ANCHORS = [OIDCFED_DEFAULT_TRUST_ANCHOR]
OIDCFED_PROVIDER_PROFILE = "cie" if FEDERATION_ROLE == "cie" else "spid"
OIDCFED_DEFAULT_PROVIDER_PROFILE = OIDCFED_PROVIDER_PROFILE
OIDCFED_PROVIDER_MAX_REFRESH = 10
OIDCFED_REQUIRED_TRUST_MARKS = []
OIDCFED_FEDERATION_TRUST_MARKS_PROFILES = {}

HTTPC_PARAMS = {
    "connection": {"ssl": False},
    "session": {"timeout": aiohttp.ClientTimeout(total=8)},
}
HTTPC_TIMEOUT = 8

LOGIN_URL = "/oidc/op/authorization"
AUTH_USER_MODEL = "spid_cie_oidc_accounts.User"

INSTALLED_APPS = [
    "spid_cie_oidc.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "spid_cie_oidc.entity",
    "spid_cie_oidc.authority",
    "spid_cie_oidc.provider",
    "djagger",
    "fedsite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "fedsite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(BASE_DIR, "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FEDERATION_DB", os.path.join(BASE_DIR, "federation.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LANGUAGE_CODE = "it"
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
SESSION_COOKIE_NAME = "federation_sessionid"
CSRF_COOKIE_NAME = "federation_csrftoken"
DJAGGER_DOCUMENT = {"app_names": ["spid_cie_oidc"]}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": "INFO"}},
    "loggers": {"spid_cie_oidc": {"handlers": ["console"], "level": "DEBUG"}},
}
