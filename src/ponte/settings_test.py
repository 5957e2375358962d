"""Settings for the test suite: production settings with test-only secrets and fast hashing.

Mail stays on the real SMTP backend: tests that send mail start a local SMTP server.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789-abcdefghij")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from .settings import *  # noqa: E402,F403
from .settings import STATIC_ROOT, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_PORT = 1  # a test that sends mail must start its own SMTP server and point here

# WhiteNoise serves STATIC_ROOT and warns when it does not exist yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
