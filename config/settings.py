"""Clientela settings: one module, driven by CLIENTELA_* environment variables.

The embedded default needs no server: SQLite in WAL mode under CLIENTELA_DATA_DIR,
tasks stored in the same database, mail to a local sink.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CLIENTELA_DATA_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """Use CLIENTELA_SECRET_KEY, or generate one on first run and keep it in the data dir.

    A generated key must survive restarts, or every session and signed link dies with it.
    """
    configured = os.environ.get("CLIENTELA_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


DEBUG = env_bool("CLIENTELA_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("CLIENTELA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CLIENTELA_CSRF_TRUSTED_ORIGINS", "")
# The address customers see in links (unsubscribe, reports, FAQ).
SITE_URL = os.environ.get("CLIENTELA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "clientela.accounts",
    "clientela.timeline",
    "clientela.customers",
    "clientela.commerce",
    "clientela.imports",
    "clientela.mail",
    "clientela.retention",
    "clientela.outreach",
    "clientela.inbox",
    "clientela.care",
    "clientela.forwarding",
    "clientela.rewards",
    "clientela.privacy",
    "clientela.web",
    "clientela.api",
    # Serves Swagger UI's files from our own static files instead of a CDN.
    "ninja",
    "clientela.clock",
    "clientela.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their cache headers; every other response is
    # no-store, carries the CSP, and has Secure cookies under HTTPS.
    "clientela.web.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each app's pages keep their templates beside their views, in web/<app>/templates
        # (DESIGN.md's layout); the shared ones (base, errors) are in web/templates.
        "DIRS": sorted((BASE_DIR / "clientela" / "web").glob("*/templates")),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("CLIENTELA_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'clientela.sqlite3'}"
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets the web server read while a worker writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue instead of failing mid-transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        # Each test process gets its own test database, so that parallel runs on one
        # server (several developers, or CI beside a benchmark) never drop each other's.
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{os.getpid()}"}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["clientela.accounts.backends.LockoutBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

if env_bool("CLIENTELA_TESTING"):
    # A deliberately slow hash is the point in production and a waste in tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ro", "Română")]
LOCALE_PATHS = [BASE_DIR / "clientela" / "locale"]
TIME_ZONE = os.environ.get("CLIENTELA_TIME_ZONE", "Europe/Bucharest")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"


def _static_storage() -> str:
    """Plain files in development and tests; hashed names in production, compressed (gzip and
    brotli) unless CLIENTELA_STATIC_COMPRESS=0. Compressing the API documentation's bundles
    takes about half a minute of CPU, which the demo skips so that its first page comes fast."""
    if DEBUG or env_bool("CLIENTELA_TESTING"):
        return "django.contrib.staticfiles.storage.StaticFilesStorage"
    if env_bool("CLIENTELA_STATIC_COMPRESS", default=True):
        return "whitenoise.storage.CompressedManifestStaticFilesStorage"
    return "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _static_storage()},
}
# Source maps are fetched only by a developer's open browser tools: not worth compressing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
)
# Templates name static files by their hashed names only; the plain copies need no compressing.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_TEMP_DIR = None
# Large CSV uploads stream to a temporary file, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CLIENTELA_IMPORT_MAX_BYTES = int(os.environ.get("CLIENTELA_IMPORT_MAX_BYTES", 1024**3))
# Seconds an import worker holds its job without renewing; one silent for longer is dead
# and its job is run again (clientela.imports.models.import_lease).
CLIENTELA_IMPORT_LEASE_SECONDS = int(os.environ.get("CLIENTELA_IMPORT_LEASE_SECONDS", 600))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("CLIENTELA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "mail", "retention", "imports"],
        "OPTIONS": (
            {"connection_url": os.environ.get("CLIENTELA_REDIS_URL", "redis://127.0.0.1:6379/0")}
            if "rq" in os.environ.get("CLIENTELA_TASK_BACKEND", "")
            else {}
        ),
    }
}
if "rq" in TASKS["default"]["BACKEND"]:
    # django-tasks-rq finds its Redis queues through django-rq's settings.
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        name: {"URL": os.environ.get("CLIENTELA_REDIS_URL", "redis://127.0.0.1:6379/0")}
        for name in TASKS["default"]["QUEUES"]
    }

# Mail out. The demo delivers to a local sink (see `clientela serve --demo`).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("CLIENTELA_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("CLIENTELA_EMAIL_PORT", "2525"))
EMAIL_HOST_USER = os.environ.get("CLIENTELA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CLIENTELA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CLIENTELA_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("CLIENTELA_FROM_EMAIL", "shop@example.com")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("CLIENTELA_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("CLIENTELA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("CLIENTELA_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("CLIENTELA_HSTS_PRELOAD")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CLIENTELA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Login lockout: the 6th bad password within 30 minutes fails whatever the IP.
CLIENTELA_LOCKOUT_FAILURES = 5
CLIENTELA_LOCKOUT_WINDOW_SECONDS = 30 * 60

# A password-reset link works for one hour and once (its token hashes the password and the
# last login). Requests are limited per address and per IP within an hour, quietly: the page
# answers the same whether a mail left or not.
PASSWORD_RESET_TIMEOUT = 60 * 60
CLIENTELA_RESET_LIMIT_PER_ADDRESS = 3
CLIENTELA_RESET_LIMIT_PER_IP = 10
CLIENTELA_RESET_WINDOW_SECONDS = 60 * 60
# An invitation link works for a week, once.
CLIENTELA_INVITATION_DAYS = 7
