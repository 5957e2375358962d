"""Settings for the test suite: production settings with test-only secrets and fast hashing.

Mail stays on the real SMTP backend: tests that send mail start a local SMTP server.
"""

import os
from urllib.parse import urlsplit

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789-abcdefghij")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, STATIC_ROOT, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_PORT = 1  # a test that sends mail must start its own SMTP server and point here

# WhiteNoise serves STATIC_ROOT and warns when it does not exist yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# PONTE_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379; CI's PostgreSQL pass): the cache on Redis as
# in a deployment on several machines, and the sessions through it (cached_db). Each test process
# has its own Redis database (gw0 → 1, gw1 → 2, …), so one's cache.clear() (FLUSHDB) never empties
# another's; the RQ tests' queue takes 15, 14, … (PONTE_TEST_RQ_REDIS_URL, core/tests/test_rq.py).
PONTE_TEST_REDIS_URL = os.environ.get("PONTE_TEST_REDIS_URL", "")
_process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_redis = urlsplit(PONTE_TEST_REDIS_URL or "redis://127.0.0.1:6379")
PONTE_TEST_RQ_REDIS_URL = _redis._replace(path=f"/{15 - _process}").geturl() if _process < 15 else ""
if PONTE_TEST_REDIS_URL:
    if _process > 6:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Redis has databases for 7 test processes: TEST_PROCESSES=7 at most.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis._replace(path=f"/{1 + _process}").geturl(),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# On PostgreSQL a `replica` alias: a second connection to the test database (a test mirror, as
# Django's docs describe for primary/replica tests), so the read-replica tests see where each
# query went (core/tests/test_replica.py). Only tests that name it in `databases` may use it,
# and reads go there only in the tests that turn PONTE_READ_REPLICA on.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and "replica" not in DATABASES:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
PONTE_READ_REPLICA = False

PONTE_EMBED_ON_SAVE = False  # vectors are computed when read; tests of the background refresh turn it on
# One thread for the embedding model: the suite runs one process per core (pytest-xdist), and two
# OpenMP teams per core only wait on each other.
PONTE_EMBEDDING_THREADS = 1
# An object's SDG suggestions are computed when an editor first opens its page only in the tests that
# turn this on (intelligence/tests): elsewhere every plan or funds page would load the classifier.
PONTE_SDG_SUGGEST_ON_VIEW = False
# Vectors of texts already embedded by an earlier test process or run are read from this folder
# (ponte.intelligence.embeddings): the model's output for the same text, computed once.
PONTE_EMBEDDING_CACHE_DIR = os.environ.get("PONTE_EMBEDDING_CACHE_DIR", str(BASE_DIR / "var" / "test-embeddings"))  # noqa: F405
