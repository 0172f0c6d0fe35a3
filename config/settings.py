"""Settings for the petition office, read from environment variables.

Safe for production by default: DEBUG is off, cookies are secure, HTTPS is enforced, and a
malformed value stops start-up with a message naming the variable. With nothing set, the
application still starts, as a development default: an embedded PostgreSQL under ``var/``
when DATABASE_URL is unset, random keys generated once and kept under ``var/keys/``, and
localhost as the only host. ``manage.py check --deploy`` names each of those that production
must set instead (accounts/checks.py). ``make run`` and ``make test`` also set ``DEBUG=1``.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off."
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A folder the application writes to (cache files, uploads, generated keys): writable by it.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

# Variables production must set; each one left to its development default is named by
# `manage.py check --deploy` (accounts/checks.py).
UNSET_FOR_PRODUCTION: list[str] = []


def env_or_generated(name: str, make) -> str:
    """The variable's value or, when unset, a random one made once and kept in VAR_DIR/keys."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    UNSET_FOR_PRODUCTION.append(name)
    path = VAR_DIR / "keys" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(f".{os.getpid()}")
        temporary.write_text(make())
        temporary.chmod(0o600)
        # link() fails if another process got there first: every process reads the same key.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        temporary.unlink()
    return path.read_text().strip()


SECRET_KEY = env_or_generated("SECRET_KEY", lambda: secrets.token_urlsafe(50))
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

if "ALLOWED_HOSTS" not in os.environ:
    UNSET_FOR_PRODUCTION.append("ALLOWED_HOSTS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Database -----------------------------------------------------------------------------------
_database_url = os.environ.get("DATABASE_URL", "").strip()
if not _database_url:
    UNSET_FOR_PRODUCTION.append("DATABASE_URL")
    from config.devdb import embedded_database_url

    _database_url = embedded_database_url()
    os.environ["DATABASE_URL"] = _database_url  # processes started from here use it too
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=env_int("CONN_MAX_AGE", 0))
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
if _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
if os.environ.get("DATABASE_TEST_NAME"):
    _database["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    # The task queue in PostgreSQL (mail, reminders): before the apps whose tasks.py it finds.
    "procrastinate.contrib.django",
    "accounts",
    "schedules",
    "petitions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pghistory.middleware.HistoryMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.site",
            ],
        },
    },
]

# --- Sign-in and sessions -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.auth.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "schedules:home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many trusted reverse proxies stand in front of the app (see config/client_ip.py).
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the 30 minutes count from the last request: idle time
SESSION_ENGINE = "config.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security -----------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Nothing is loaded from another host: the office network may have no internet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files (Bootstrap from xstatic-bootstrap, served by WhiteNoise) ---------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MANIFEST_STRICT = False  # a file missing from the manifest is served unhashed
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Files under VAR_DIR are shared by every gunicorn worker on the machine (no Redis needed):
# the lookup attempt counters and the public pages' change stamp must be seen by all of them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "django",
    }
}

# --- Mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds a worker waits on the mail server before giving up (and retrying later); requests
# never talk to it: mail goes through the outbox (accounts/outbox.py) and the task queue.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xinfang@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The leading group's office must hear of every roster change (plan, attachment 1, note 2).
ROSTER_OFFICE_EMAIL = os.environ.get("ROSTER_OFFICE_EMAIL", "lingdaoxiaozu@localhost")

# --- The bureau's rules -------------------------------------------------------------------------
BUREAU_NAME = _("Chaoyang Municipal Ecology and Environment Bureau")
CASE_NUMBER_PREFIX = os.environ.get("CASE_NUMBER_PREFIX", "朝环信")
RECEPTION_DAY = env_int("RECEPTION_DAY", 12, minimum=1)
VISIT_DAY = env_int("VISIT_DAY", 15, minimum=1)
if max(RECEPTION_DAY, VISIT_DAY) > 31:
    raise ImproperlyConfigured("RECEPTION_DAY and VISIT_DAY are days of the month: 1 to 31.")
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 3)
# The hour (local time) from which the task queue sends the day's reminders (petitions/tasks.py).
REMINDER_HOUR = env_int("REMINDER_HOUR", 8)
if REMINDER_HOUR > 23:
    raise ImproperlyConfigured("REMINDER_HOUR is an hour of the day: 0 to 23.")
CITY_AREA_CODE = os.environ.get("CITY_AREA_CODE", "0421")
GROUP_PETITION_SIZE = env_int("GROUP_PETITION_SIZE", 5, minimum=2)
# Time limits in days (《信访工作条例》 2022, art. 23, 34-36); the ministry may set others.
ACCEPTANCE_DAYS = env_int("ACCEPTANCE_DAYS", 15, minimum=1)
HANDLING_DAYS = env_int("HANDLING_DAYS", 60, minimum=1)
EXTENSION_MAX_DAYS = env_int("EXTENSION_MAX_DAYS", 30, minimum=1)
REVIEW_REQUEST_DAYS = env_int("REVIEW_REQUEST_DAYS", 30, minimum=1)
REVIEW_HANDLING_DAYS = env_int("REVIEW_HANDLING_DAYS", 30, minimum=1)
DUE_SOON_DAYS = env_int("DUE_SOON_DAYS", 7, minimum=1)
# Case lookups (right or wrong) one address may make in an hour (petitions/ratelimit.py).
LOOKUP_ATTEMPTS_PER_HOUR = env_int("LOOKUP_ATTEMPTS_PER_HOUR", 10, minimum=1)
# 32 random bytes, urlsafe base64: encrypts petitioners' ID numbers, phones and addresses.
PETITIONER_DATA_KEY = env_or_generated(
    "PETITIONER_DATA_KEY", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The task queue's start-up list of tasks and its "Deferred 1 job" on every change.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.jobs": {"level": "WARNING"},
    },
}

# Event tables are protected by triggers against UPDATE and DELETE: history is append-only.
PGHISTORY_APPEND_ONLY = True
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
