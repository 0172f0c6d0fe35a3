"""Settings for the petition office, read from environment variables.

Safe for production by default: DEBUG is off, cookies are secure, HTTPS is enforced, and a
malformed value stops start-up with a message naming the variable. With nothing set, the
application still starts, as a development default: an embedded PostgreSQL under ``var/``
when DATABASE_URL is unset, random keys generated once and kept under ``var/keys/`` (the
petitioner-data key only while the database holds no encrypted data, petitions/keyring.py),
and localhost as the only host. ``manage.py check --deploy`` names each of those that production
must set instead (accounts/checks.py). ``make run`` and ``make test`` also set ``DEBUG=1``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_keys, env_list, env_token

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# This node's own folder: the embedded development database, development keys, and uploads
# unless MEDIA_ROOT is set (several nodes need MEDIA_ROOT on shared storage). The cache and the
# counters are shared (CACHES): an unwritable or missing VAR_DIR costs no page.
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
    try:
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
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name} is not set and {path} cannot be created or read ({error}): set {name}, "
            f"or make {VAR_DIR} writable by the application."
        ) from None


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
    _database = dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        # A kept connection is tested before a request uses it: after a database restart the
        # next request reconnects instead of failing (tests/operations/test_database_restart.py).
        conn_health_checks=True,
    )
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
                "petitions.context_processors.worklist",
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
LOGIN_REDIRECT_URL = "work:home"  # each role starts on its worklist (petitions/worklists.py)
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many trusted reverse proxies stand in front of the app (see config/client_ip.py).
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# User names cut to the length of axes' column (a longer one was a server error).
AXES_USERNAME_CALLABLE = "accounts.signin.axes_username"
# Per account, from any address (accounts/signin.py): after this many failures in a row each
# further try waits 2 s, 4 s, 8 s ... up to the maximum; a quiet window starts the count anew.
SIGNIN_ACCOUNT_FREE_FAILURES = env_int("SIGNIN_ACCOUNT_FREE_FAILURES", 10, minimum=1)
SIGNIN_ACCOUNT_MAX_DELAY_SECONDS = env_int("SIGNIN_ACCOUNT_MAX_DELAY_SECONDS", 300, minimum=1)
SIGNIN_ACCOUNT_WINDOW_MINUTES = env_int("SIGNIN_ACCOUNT_WINDOW_MINUTES", 60, minimum=1)

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
# A load balancer checks each node over plain HTTP (accounts/health.py): no redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

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
# --- Uploads: one submission's files together (config/uploads.py, petitions/forms/cases.py) ----
UPLOAD_TOTAL_MAX_MB = env_int("UPLOAD_TOTAL_MAX_MB", 25, minimum=1)
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SubmissionSizeHandler",  # past UPLOAD_TOTAL_MAX_MB nothing more is stored
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # a larger file goes to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # the form's fields without its files
DATA_UPLOAD_MAX_NUMBER_FILES = 25  # a form takes 20 (a clear message); more is a bad request

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Cache: shared by every node -----------------------------------------------------------------
# What one node caches or counts, every node must see (the public pages' change stamp, the
# lookup attempt counters): PostgreSQL by default (the table comes with `migrate`), Redis for a
# larger install with CACHE_URL=redis://host:6379/0. None of it is kept on a node's disk.
DATABASE_CACHE_TABLE = "xinfang_cache"  # created by schedules/migrations/0004_shared_cache.py


def redis_cache(name: str, url: str) -> dict:
    """Django's cache settings for a Redis URL; a malformed one stops start-up."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when it is not a number
        database = parts.path.strip("/") or "0"
    except ValueError:
        parts, port, database = None, None, ""
    if (
        parts is None
        or parts.scheme not in ("redis", "rediss")
        or not parts.hostname
        or not database.isdecimal()
        or (port is not None and not 0 < port < 65536)
    ):
        # The URL may hold a password: it is not repeated here.
        raise ImproperlyConfigured(
            f"{name} is not a Redis URL: use redis://[:password@]host[:port][/database], "
            "or leave it unset to cache in PostgreSQL."
        )
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            # A cache: when Redis is down, a page is built from PostgreSQL rather than failing
            # (the lookup attempt limit then counts in PostgreSQL, petitions/ratelimit.py).
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }


_cache_url = os.environ.get("CACHE_URL", "").strip()
CACHES = {
    "default": redis_cache("CACHE_URL", _cache_url)
    if _cache_url
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": DATABASE_CACHE_TABLE,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # This process's memory, for what a shared stamp keeps current (accounts/stamps.py).
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

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

# --- Text messages (accounts/sms.py) -----------------------------------------------------------
# Development prints them; production sends them through China Mobile's 云MAS gateway
# (accounts/sms_mas.py), and `check --deploy` names what it still lacks (accounts/checks.py).
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND", "accounts.sms.ConsoleBackend" if DEBUG else "accounts.sms_mas.MasBackend"
)
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))  # the file backend's
SMS_MAS = {  # the account on the 云MAS platform (管理 → 接口管理 → 短信接入用户管理)
    "URL": os.environ.get("SMS_MAS_URL", "").strip(),
    "EC_NAME": os.environ.get("SMS_MAS_EC_NAME", "").strip(),
    "AP_ID": os.environ.get("SMS_MAS_AP_ID", "").strip(),
    "SECRET_KEY": os.environ.get("SMS_MAS_SECRET_KEY", "").strip(),
    "SIGN": os.environ.get("SMS_MAS_SIGN", "").strip(),
    "ADD_SERIAL": os.environ.get("SMS_MAS_ADD_SERIAL", "").strip(),
}
if SMS_MAS["URL"] and not SMS_MAS["URL"].startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SMS_MAS_URL={SMS_MAS['URL']!r} must start with http(s)://.")
# A text message names a petitioner's phone (and a case's query code): the outbox stores its phone
# and text encrypted with the petitioners' data key, by these (encrypt, decrypt) functions.
SMS_CIPHER = ("petitions.crypto.encrypt", "petitions.crypto.decrypt")
# Seconds a worker waits on the gateway before giving up (and retrying later).
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10, minimum=1)

# --- Transfers from the hotline platforms (petitions/transfers.py) -----------------------------
# Each platform posts its work orders to /api/transfers/ with its own token (a random string of
# 32+ characters, e.g. `python -c "import secrets; print(secrets.token_urlsafe(32))"`). Unset:
# that platform's API is closed; the office still uploads its Excel batches.
TRANSFER_TOKENS = {
    "12345": env_token("TRANSFER_TOKEN_12345"),
    "12369": env_token("TRANSFER_TOKEN_12369"),
}

# --- Links in mails ------------------------------------------------------------------------------
# Where staff reach the application: the reminder mails link to the day's briefing under it.
if "SITE_URL" not in os.environ:
    UNSET_FOR_PRODUCTION.append("SITE_URL")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")
# Where citizens reach the public pages (the case lookup in text messages and QR codes), when
# it differs from the staff's address.
PUBLIC_SITE_URL = os.environ.get("PUBLIC_SITE_URL", SITE_URL).rstrip("/")
if not PUBLIC_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"PUBLIC_SITE_URL={PUBLIC_SITE_URL!r} must start with http:// or https://."
    )

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
# Days a unit has, by default, to reply to a leader's supervision instruction (督办).
SUPERVISION_REPLY_DAYS = env_int("SUPERVISION_REPLY_DAYS", 7, minimum=1)
# Case lookups (right or wrong) one address may make in an hour (petitions/ratelimit.py).
LOOKUP_ATTEMPTS_PER_HOUR = env_int("LOOKUP_ATTEMPTS_PER_HOUR", 10, minimum=1)
# Online petitions (/petition/) accepted per mobile phone and per address in a day
# (petitions/online.py): a citizen rarely has more; a robot is stopped early.
ONLINE_PETITIONS_PER_PHONE = env_int("ONLINE_PETITIONS_PER_PHONE", 3, minimum=1)
ONLINE_PETITIONS_PER_ADDRESS = env_int("ONLINE_PETITIONS_PER_ADDRESS", 10, minimum=1)
# Appointments booked from one visitor's address on one day (one address cannot fill a day).
APPOINTMENTS_PER_ADDRESS = env_int("APPOINTMENTS_PER_ADDRESS", 3, minimum=1)
# 32 random bytes, urlsafe base64: encrypts petitioners' ID numbers, phones and addresses.
# Several keys, comma-separated and newest first, while rotating: the newest encrypts, all
# decrypt (README, "Keys"). Unset, development keeps one key in PETITIONER_DATA_KEY_FILE,
# which petitions/keyring.py creates only while the database holds no encrypted data.
PETITIONER_DATA_KEY = env_keys("PETITIONER_DATA_KEY")
PETITIONER_DATA_KEY_FILE = VAR_DIR / "keys" / "petitioner_data_key"
if not PETITIONER_DATA_KEY:
    UNSET_FOR_PRODUCTION.append("PETITIONER_DATA_KEY")

# --- Operations ---------------------------------------------------------------------------------
# /healthz answers 503 when the oldest due job has waited longer than this many seconds for a
# worker; 0 reports the lag without failing on it (accounts/health.py).
HEALTHZ_MAX_QUEUE_LAG = env_int("HEALTHZ_MAX_QUEUE_LAG", 300)

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
