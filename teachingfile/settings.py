"""Settings for Teaching File, read from the environment.

With no environment at all the site runs on an embedded default: a SQLite file, Celery tasks
run inline, media on the local disk, e-mail printed to the console. Production sets the
variables documented in the README's configuration table.
"""

import json
import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from api.client_address import parse_trusted_proxies
from teachingfile.logs import logging_config
from teachingfile.object_storage import s3_storages
from teachingfile.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def weak_secret_key(key: str) -> bool:
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-use-in-production"
elif not DEBUG and weak_secret_key(SECRET_KEY):
    # Django's own rule (security.W009), made a refusal to start rather than a warning.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use at least 50 characters, 5 or more of them different, "
        "not starting with 'django-insecure-' (for instance the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off (the site's host names, comma-separated)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    # Full-text search and trigram matching on PostgreSQL; harmless on SQLite.
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    # No models of its own now; kept installed so its migrations (the token table's past) run.
    "api",
    "cases",
    "imaging",
    "reviews",
    "notifications",
    "search",
    "study",
    "bookmarks",
    "community",
    "interchange",
    # The project itself, for the commands that load every app (`demo`).
    "teachingfile",
]

MIDDLEWARE = [
    # Outermost: the request id for every log line, and one line per request
    # (teachingfile/logs.py), redirects and refusals by the middleware below included.
    "teachingfile.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # An ETag on every GET that has none yet, and 304 Not Modified when the reader has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Suspended members' page writes (the API's are refused by a DRF permission). After
    # authentication, and inside the CSP, messages and framing middleware so that its refusal
    # page gets their headers.
    "community.middleware.SuspendedUserMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected static files; runserver does it in development.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "teachingfile.urls"
WSGI_APPLICATION = "teachingfile.wsgi.application"
ASGI_APPLICATION = "teachingfile.asgi.application"

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
                "django.template.context_processors.csp",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]


def database_from_environment(environ: Mapping[str, str]) -> dict:
    """The database: SQLite by default, DATABASE_URL (PostgreSQL) in production and in CI.

    PostgreSQL connections are kept open between requests (DATABASE_CONN_MAX_AGE seconds, 60 by
    default) and checked before reuse, so a restarted server costs one failed check rather than
    errors; the embedded SQLite file opens in no time and keeps 0. PostgreSQL's JIT compiler is
    off unless DATABASE_JIT is set: once the search and browse queries are estimated costly
    enough for it, compiling them costs ~50 ms each and saves less.
    """
    database = dj_database_url.parse(
        environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
    postgresql = database["ENGINE"] == "django.db.backends.postgresql"
    database["CONN_MAX_AGE"] = int(
        environ.get("DATABASE_CONN_MAX_AGE", "60" if postgresql else "0")
    )
    database["CONN_HEALTH_CHECKS"] = postgresql
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Two requests writing at once (say, figures uploaded in parallel) wait for each other
        # rather than one failing with "database is locked".
        database.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            }
        )
    if postgresql and not env_bool("DATABASE_JIT", False, environ):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return database


def cache_from_environment(environ: Mapping[str, str]) -> dict:
    """The cache: shared Redis when CACHE_URL (or REDIS_URL) names one, so that throttles,
    page caches and view counts hold across workers and machines; process memory on the
    embedded default. A Redis that goes down makes pages slower, never errors
    (teachingfile/cache.py), and the short socket timeouts keep a lost one from stalling them.
    """
    location = environ.get("CACHE_URL") or environ.get("REDIS_URL", "")
    if not location:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "teachingfile",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    timeout = float(environ.get("CACHE_TIMEOUT_SECONDS", "0.5"))
    return {
        "BACKEND": "teachingfile.cache.ForgivingRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": environ.get("CACHE_KEY_PREFIX", "tf"),
        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
    }


DATABASES = {"default": database_from_environment(os.environ)}
CACHES = {"default": cache_from_environment(os.environ)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Production confirms every new address before the account signs in, so that sign-up can answer
# alike whether or not an address is registered (the owner of a registered one gets an e-mail
# instead). The embedded default keeps it optional: `make run`'s demo accounts sign in at once.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory"
)
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LogInForm"}
ACCOUNT_LOGOUT_ON_GET = False

# The proxies whose X-Forwarded-For entries are believed: comma-separated addresses or networks
# (`127.0.0.1`, `10.0.0.0/8`). Empty: the client's address is the peer's and the header is
# ignored. api/client_address.py applies the rule for the API throttles, sign-in lockouts (the
# account adapter answers allauth's client address with it, so ALLAUTH_TRUSTED_PROXY_COUNT stays
# 0) and view counts.
TRUSTED_PROXIES = [str(network) for network in parse_trusted_proxies(env_list("TRUSTED_PROXIES"))]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

# Uploaded images are never served straight from MEDIA_ROOT: every image goes through a view
# that checks the reader may see its case (cases.views.figure_image).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Originals as uploaded and de-identified DICOM: kept apart from the derivatives readers get.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "private": {
        "BACKEND": os.environ.get(
            "PRIVATE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(
            os.environ.get("PRIVATE_STORAGE_OPTIONS", "")
            or json.dumps({"location": str(PRIVATE_MEDIA_ROOT)})
        ),
    },
    "default": {
        "BACKEND": os.environ.get(
            "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        # e.g. {"bucket_name": "teaching-media", "endpoint_url": "https://s3.example.org"}
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# S3 object storage (S3_BUCKET and friends, see teachingfile/object_storage.py): replaces both
# storages above; a contradiction in the S3_* variables fails here, at start.
if object_storages := s3_storages(os.environ):
    STORAGES.update(object_storages)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MB = 1024 * 1024
# What an uploaded image may be (PRODUCT.md section 5); the README lists the defaults.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "50")) * MB
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", "60000000"))
UPLOAD_MAX_ZIP_BYTES = int(os.environ.get("UPLOAD_MAX_ZIP_MB", "1536")) * MB
UPLOAD_MAX_ZIP_ENTRIES = int(os.environ.get("UPLOAD_MAX_ZIP_ENTRIES", "2000"))
# Memory per upload: one file's decoded pixels (width × height × bytes per pixel × frames) may
# take this much, checked from its header in the request; the worker that decodes it may grow
# by FIGURE_TASK_MEMORY_MB of address space before the task fails it (imaging/memory.py).
UPLOAD_MAX_DECODED_BYTES = int(os.environ.get("UPLOAD_MAX_DECODED_MB", "192")) * MB
FIGURE_TASK_MEMORY_MB = int(os.environ.get("FIGURE_TASK_MEMORY_MB", "2048"))
# Serving images: "" streams them from Django; "nginx" answers with X-Accel-Redirect to
# MEDIA_ACCEL_PREFIX + the file's name, "sendfile" with X-Sendfile and the file's path.
MEDIA_ACCEL = os.environ.get("MEDIA_ACCEL", "")
MEDIA_ACCEL_PREFIX = os.environ.get("MEDIA_ACCEL_PREFIX", "/protected-media/")
# Image and DICOM addresses are signed and expire (cases/media_urls.py): one handed out lives
# between half of this and all of it.
MEDIA_URL_EXPIRY_SECONDS = int(os.environ.get("MEDIA_URL_EXPIRY_SECONDS", "3600"))
# Keys the replacement of DICOM UIDs, so one study keeps one new StudyInstanceUID.
DEIDENTIFICATION_SECRET = os.environ.get("DEIDENTIFICATION_SECRET", SECRET_KEY)
# Figures still pending this long (say, the broker was down) are queued again by the sweeper.
FIGURE_REQUEUE_AFTER_MINUTES = int(os.environ.get("FIGURE_REQUEUE_AFTER_MINUTES", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail: printed to the console unless an SMTP host is configured.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
elif not DEBUG:
    # The console backend would swallow sign-up confirmations and password resets unseen.
    raise ImproperlyConfigured(
        "EMAIL_HOST must be set when DEBUG is off (the SMTP server that sends the site's mail)."
    )
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Teaching File <noreply@localhost>")

# Celery: without a broker, tasks run inline in the web process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "teachingfile")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long a request that queues work waits for a broker that is down before it logs the
# failure and answers anyway (api/queueing.py); the work stays pending for the sweepers.
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "1"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT}
# Workers log through LOGGING below, in the same format as the web processes.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Whether a counted case view goes into the case's total at once, or waits for the fold below
# (cases/viewing.py). Unset: at once when tasks run inline, since nothing else would fold them.
VIEW_COUNTS_AT_ONCE = (
    env_bool("VIEW_COUNTS_AT_ONCE", False) if os.environ.get("VIEW_COUNTS_AT_ONCE") else None
)
# Run with `celery -A teachingfile beat` (or `make beat`); without a broker, call
# `manage.py send_review_reminders` and `manage.py requeue_stalled` from cron instead (and
# `manage.py fold_case_views` when VIEW_COUNTS_AT_ONCE is off).
CELERY_BEAT_SCHEDULE = {
    "fold-case-views": {
        "task": "cases.tasks.fold_case_views",
        "schedule": 60,
    },
    "requeue-stalled-figures": {
        "task": "cases.tasks.requeue_stalled_figures",
        "schedule": 60 * 5,
    },
    "requeue-stalled-import-jobs": {
        "task": "interchange.tasks.requeue_stalled_import_jobs",
        "schedule": 60 * 10,
    },
    "requeue-unsent-notification-emails": {
        "task": "notifications.tasks.requeue_unsent_emails",
        "schedule": 60 * 10,
    },
    "remind-reviewers-of-due-reviews": {
        "task": "reviews.tasks.remind_reviewers_of_due_reviews",
        "schedule": 60 * 60 * 6,
    },
    "send-saved-search-digests": {
        "task": "search.tasks.send_saved_search_digests",
        "schedule": 60 * 60,
    },
}

# The API (/api/v1/): sessions with CSRF for the browser, hashed tokens for programs.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        # Views that name their own permission classes start them with it too.
        "accounts.api.permissions.NotSuspended",
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.ScopedByMethodThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous_read": os.environ.get("API_THROTTLE_ANONYMOUS_READ", "600/hour"),
        "read": os.environ.get("API_THROTTLE_READ", "6000/hour"),
        "write": os.environ.get("API_THROTTLE_WRITE", "1200/hour"),
        "upload": os.environ.get("API_THROTTLE_UPLOAD", "300/hour"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "10/minute"),
    },
    "PAGE_SIZE": 20,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Teaching File API",
    "DESCRIPTION": (
        "Radiology teaching cases for programs: the same cases, rules and workflow as the "
        "pages. Authenticate with `Authorization: Token <key>` (create a token on your "
        "account page or with POST /api/v1/auth/token/)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Errors that come from the request rather than one view (401, 404 past the last page, 415,
    # 429, 400 for query parameters) are documented on every operation they can reach.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.docs.document_common_errors",
        "api.docs.document_text_without_nul",
        "cases.api.document_schema.close_document_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Case.Status",
        "RevisionKindEnum": "cases.models.Revision.Kind",
        "LicenceEnum": "cases.models.Licence",
        "TrainingLevelEnum": "accounts.models.User.TrainingLevel",
        "SectionKindEnum": "cases.models.Section.Kind",
        "JudgementEnum": "study.models.Attempt.SelfAssessment",
    },
}

# Content Security Policy: everything comes from this site; nothing from a CDN.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

if not DEBUG:
    # HTTPS only. The proxy in front terminates TLS and says so in X-Forwarded-Proto; it must
    # set (not pass on) that header. The health probes may come over plain HTTP.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is opt-in: once browsers ship the domain in their HTTPS-only list it takes
        # months to undo, so the deploy check's advice to preload is not followed by default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Logs: JSON lines in production (LOG_FORMAT=json, the default with DEBUG off), readable text
# in development; each line carries the request id (teachingfile/logs.py).
LOGGING = logging_config(
    log_format=os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
)
# Errors to Sentry when SENTRY_DSN is set (teachingfile/sentry.py).
SENTRY_ENABLED = init_sentry(os.environ)

# Where `manage.py demo` looks for the five seed documents; the demo falls back to the project's
# own sample files (cases/demo_data/) when this folder does not exist.
SEED_CASES_DIR = Path(os.environ.get("SEED_CASES_DIR", BASE_DIR.parent / "shared" / "seeds"))

# Comments: how long their author may edit one (minutes), and how many one person may post in a
# period ("5/10m": a count and a period in s, m, h or d), shared by the pages and the API.
COMMENT_EDIT_WINDOW = int(os.environ.get("COMMENT_EDIT_WINDOW_MINUTES", "15"))

# Bulk import through the API and the import page: how many files a job takes, and how big.
IMPORT_MAX_FILES = int(os.environ.get("IMPORT_MAX_FILES", "50"))
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_MB", "50")) * 1024 * 1024
IMPORT_MAX_TOTAL_BYTES = int(os.environ.get("IMPORT_MAX_TOTAL_MB", "200")) * 1024 * 1024
# An import job nobody has touched for this long lost its worker; the sweeper queues it again.
IMPORT_REQUEUE_AFTER_MINUTES = int(os.environ.get("IMPORT_REQUEUE_AFTER_MINUTES", "30"))
COMMENT_RATE_LIMIT = os.environ.get("COMMENT_RATE_LIMIT", "5/10m")
