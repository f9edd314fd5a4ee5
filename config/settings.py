"""Launchpad settings, read from the environment.

With no variables set this runs on an SQLite file in the project folder with Celery
tasks run eagerly, so a newcomer needs nothing beyond Python. Every variable is listed
in README.md ("Configuration").
"""

import warnings
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on: refuse to start otherwise.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY, or DEBUG=true for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


def _database_from_env() -> dict:
    """Parse DATABASE_URL, failing with one readable line rather than a traceback."""
    default = f"sqlite:///{BASE_DIR / 'launchpad.sqlite3'}"
    url = env.str("DATABASE_URL", default="") or default
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # we report an unknown scheme ourselves
            config = env.db_url_config(url)
    except Exception as exc:  # environ raises several types for a malformed URL
        raise SystemExit(f"DATABASE_URL is not a valid database URL ({exc}).") from None
    if not config.get("ENGINE"):
        raise SystemExit("DATABASE_URL has an unknown scheme; use postgres://… or sqlite:///…")
    # PostgreSQL connections are kept open between requests (a new one costs each request
    # a few milliseconds: under load it halved the dashboard's requests per second) and
    # checked before reuse, so one dropped by the server is replaced rather than failing.
    postgres = "postgresql" in config["ENGINE"]
    config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if postgres else 0))
    config.setdefault("CONN_HEALTH_CHECKS", postgres)
    if postgres and env.bool("POSTGRES_JIT_OFF", default=True):
        # PostgreSQL's JIT compiles any query its planner costs high, which the cadence and
        # reminder queries over a national workforce are: compiling took longer than
        # running them (490 of 777 ms for the biggest programme's cadence facts).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "bootstrap",
    "csp",
    "axes",
    "auditlog",
    "core",
    "commissioning",
    "cohorts",
    "supervision",
    "outcomes",
    "fidelity",
    "reports",
]

MIDDLEWARE = [
    # The security headers come first so that every response carries them, static files
    # and error pages included.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Moves a session's expiry on while it is used, saving it at most once a minute.
    "core.middleware.SessionRefreshMiddleware",
    # After authentication, so the audit trail knows who made each change.
    "core.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every sign-in for a lockout before Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# UK English, London time, UK date formats everywhere.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y, H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Produced reports are kept here (Django's default storage).
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Reports covering more active staff than this are produced by a worker, with a progress
# page; smaller ones at once, within the request.
REPORTS_BACKGROUND_STAFF = env.int("REPORTS_BACKGROUND_STAFF", default=500)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and runserver serve static files without a collectstatic step.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_MANIFEST_STRICT = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django 6 will assume https for scheme-less URLs; opt in now (resource links).
FORMS_URLFIELD_ASSUME_HTTPS = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Launchpad <launchpad@localhost>")
# Emails are sent from background tasks, which have no request to build links from: the
# address people reach Launchpad at, for the links in reminder emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The daily digest run sends emails in groups of this many and records each group as
# sent once the mail server has taken it: a worker killed mid-group means that group is
# sent again by the rerun (never lost). 1 narrows that to one email, at a query an email.
REMINDER_EMAIL_GROUP = env.int("REMINDER_EMAIL_GROUP", default=100)

# Celery: with no REDIS_URL tasks run in-process, so nothing else need be running.
REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds aggregate figures (core/figures.py). Shared through Redis when there is
# one, so every worker sees the same figures and the same invalidations; in-process if not.
# CACHE_URL=dummy:// turns caching off (to measure what the cache saves: `make bench`).
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "launchpad",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=60 * 60)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A page must never hang because the broker is down: fail fast and let the caller decide.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every layout step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Production hardening, active whenever DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page of ours needs these browser features; a Permissions-Policy header says so
# (core.middleware.PermissionsPolicyMiddleware: Django has no setting for it).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_COOKIE_AGE seconds without a request and when the browser
# closes: people use shared computers in offices and family centres. A request moves the
# expiry on by saving the session, at most once every SESSION_REFRESH_SECONDS
# (core.middleware.SessionRefreshMiddleware) rather than on every request: a page then
# costs no session write, and the idle limit is kept to within that minute.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content Security Policy (django-csp): our own files only. Our templates and Django's
# admin carry no inline script or style, so there is no 'unsafe-inline' and no nonce.
# One exception we accept rather than widen the policy: django-celery-beat's periodic task
# form has an inline script that rewrites the crontab help text; browsers refuse it and
# the form works without it. With DEBUG on, Django's own error pages lose their inline
# styling for the same reason.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws form controls with data: SVGs
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Proxies in front of the app that append the client's address to X-Forwarded-For. With
# DEBUG off we expect one (README, "Deploying"); set 0 if people reach the app directly,
# or anyone could forge their address. core.middleware.client_ip reads it for sign-in
# throttling and the audit trail (axes's own AXES_IPWARE_* settings need django-ipware,
# which we do not install).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1)

# Sign-in throttling (django-axes). Failures count per email address *and* client address
# together: someone guessing a password is stopped, but nobody can lock a colleague out
# from another computer just by typing the colleague's email with wrong passwords.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # core.forms.LoginForm: "Email address"
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A successful sign-in forgets earlier mistakes; attempts while locked out do not restart
# the wait, so the lockout page can say exactly how long it is.
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
