"""Settings shared by every environment; each value that differs between machines is read from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "django_celery_beat",
    "portal.core",
    "accounts",
    "organisations",
    "programs",
    "policies",
    "enterprises",
    "scoring",
    "providers",
    "implementation",
    "acceptance",
    "subsidies",
    "rankings",
    "supervision",
    "filings",
    "notifications",
    "samples",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.PortalLocaleMiddleware",
    "portal.core.uploads.UploadLimitMiddleware",  # before anything reads the body
    "portal.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.core.middleware.SecurityHeadersMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.context_processors.portal",
            ],
        },
    },
]

# SQLite by default (the embedded demo); PostgreSQL through psycopg2 when DATABASE_URL names it.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A worker's connection that the server dropped is noticed before use and opened again (see portal/celery.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-guardian: no anonymous user row; object permissions only for people who log in.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: repeated failed logins lock the username *from that address* (so an attacker cannot lock a
# victim out of the portal from elsewhere), and an address that fails for many usernames is locked as a whole
# (password spraying); accounts.lockout holds the handler. The login page and the token endpoint both count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The client's address is REMOTE_ADDR (gunicorn faces the users); behind a reverse proxy, name a function that reads
# the proxy's header in AXES_CLIENT_IP_CALLABLE. The API's throttles use the same address.
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"  # not routed: private files leave only through permission-checked views
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# A request whose Content-Length passes this is refused (413) unread; one file passing UPLOAD_MAX_BYTES stops the
# reading as it streams (portal.core.uploads). Images are decoded under the pixel limit and stored re-encoded.
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=100 * 1024 * 1024)
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
UPLOAD_MAX_UNZIPPED_BYTES = env.int("UPLOAD_MAX_UNZIPPED_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The longest free text one field keeps (a comment, a contract clause, a finding); longer is refused, not cut.
TEXT_MAX_CHARS = env.int("TEXT_MAX_CHARS", default=10_000)
# Bounds on one request's work: the items of one filing, the rows of one target-list import.
FILING_MAX_LINES = env.int("FILING_MAX_LINES", default=200)
TARGET_IMPORT_MAX_ROWS = env.int("TARGET_IMPORT_MAX_ROWS", default=20_000)
# A run of more lines than this is approved by a background job with progress, not within the request.
RUN_APPROVAL_INLINE_LINES = env.int("RUN_APPROVAL_INLINE_LINES", default=5000)
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis when REDIS_URL is set; otherwise tasks run eagerly in-process and the cache is local memory.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"  # the schedule lives in the database
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
# A job whose worker process died goes back to the queue; the broker gives an unacknowledged job to another worker
# only after the visibility timeout, which is longer than the longest job (the time limit).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT}
# Long jobs (portal.core.jobs): a heartbeat every JOB_HEARTBEAT_SECONDS; a started job silent for JOB_STALE_SECONDS,
# or queued for JOB_QUEUED_STALE_SECONDS, is failed by the sweeper and may be tried again.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=10)
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=300)
JOB_QUEUED_STALE_SECONDS = env.int("JOB_QUEUED_STALE_SECONDS", default=6 * 3600)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_DRILL_PAUSE_SECONDS = env.float("JOB_DRILL_PAUSE_SECONDS", default=0)  # fault drills only: slows each job
# /healthz fails when no worker has beaten for this long, or a job has waited in the queue longer than this.
HEALTHZ_WORKER_SECONDS = env.int("HEALTHZ_WORKER_SECONDS", default=60)
HEALTHZ_WAITING_SECONDS = env.int("HEALTHZ_WAITING_SECONDS", default=900)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker or result store that refuses or stops answering costs a request about BROKER_TIMEOUT seconds, never
# more: the task waits in the outbox (portal.core.outbox) and the beat sends it once Redis answers again.
BROKER_TIMEOUT = env.float("BROKER_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS |= {
    "socket_connect_timeout": BROKER_TIMEOUT / 2,
    "socket_timeout": BROKER_TIMEOUT,  # more than the workers' BRPOP wait (1 s), so idle workers are not cut off
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT / 2
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
# After a failed publish a process leaves new tasks in the outbox this long without trying the broker.
OUTBOX_PAUSE_SECONDS = env.int("OUTBOX_PAUSE_SECONDS", default=10)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that stops answering costs a page at most this, then the page reads the database.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# API tokens of users who hold no role in a program last this long; a program sets its own (api_token_days).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)

REST_FRAMEWORK = {
    # The token class first: its header makes an unauthenticated call a 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per user when logged in, per address otherwise; login, token, sign-up and the calculator have their own
    # per-address rates (accounts.throttles). Rates are settings so a deployment (and a test) can change them.
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttles.AnonThrottle",
        "accounts.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/min"),
        "user": env("THROTTLE_USER", default="600/min"),
        "login": env("THROTTLE_LOGIN", default="60/min"),
        "signup": env("THROTTLE_SIGNUP", default="30/hour"),
        "quote": env("THROTTLE_QUOTE", default="60/min"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shugai Portal API",
    "DESCRIPTION": _("Read and write the subsidy programs you hold a role in."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Sent with every response in every environment (the browser tests run under it): the pages load scripts,
# styles, images and fonts only from the portal itself and run no inline script; PDFs are exempt.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# No page uses these browser features; an empty list refuses the feature to the page and any frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# The OpenAPI schema and its reference pages (/api/schema/, /api/docs/, /api/redoc/): public, or only for people
# logged in (production's default).
API_DOCS_REQUIRE_LOGIN = env.bool("API_DOCS_REQUIRE_LOGIN", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@shugai.local")
EMAIL_NOTIFICATIONS = env.bool("EMAIL_NOTIFICATIONS", default=False)

# Demo logins share one password so that the printed list stays short.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Shugai#2024demo")
