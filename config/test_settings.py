"""Settings for the test suite: the production settings module, fed test values.

Tests run against the real PostgreSQL and Redis on this machine (see README). Values
already in the environment win, so CI or a developer can point elsewhere.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/launchpad")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
# Most tests run tasks in-process; the worker tests switch this off and use the broker.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "true")
os.environ.setdefault("MEDIA_ROOT", "/tmp/launchpad-test-media")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .settings import *  # noqa: E402,F403

# No collectstatic in tests: serve from the finders without a manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Hashing passwords slowly is right in production and pointless in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Cached figures live in this process only, and each test starts with none (tests/conftest.py):
# a shared Redis would carry figures over between runs whose primary keys repeat.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every request that reads the session saves it, as before the once-a-minute refresh: the
# query budgets then count a page's worst case, whatever the order requests come in.
# tests/core/test_security.py checks the refresh with the production interval.
SESSION_REFRESH_SECONDS = 0
