"""Settings for the portal-link console: one module, every variable read once from the environment.

`.env.example` lists every variable. With DJANGO_DEBUG=false (the default) the secrets have no
default and start-up stops with a clear message when one is missing.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from portal_admin.paddle_settings import check_paddle_environment

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _required(name: str, *, debug_default: str) -> str:
    """A secret: required in production, a fixed development value under DEBUG."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return debug_default
    raise ImproperlyConfigured(
        f"{name} is not set. It is required when DJANGO_DEBUG is false; see .env.example."
    )


SECRET_KEY = _required("DJANGO_SECRET_KEY", debug_default="insecure-development-key-" + "x" * 40)
AUDIT_CHAIN_KEY = _required("AUDIT_CHAIN_KEY", debug_default="development-audit-chain-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is not set. It is required when DJANGO_DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "sessions_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sessions_app.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sessions_app.middleware.RequestUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal_admin.urls"
WSGI_APPLICATION = "portal_admin.wsgi.application"

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
                "sessions_app.context_processors.console",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the audit log appends; IMMEDIATE takes the write lock up
    # front so two appends serialize instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits, the Paddle budget and one-time tokens live here: Redis in production so that
# every app process shares them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://portal-console")}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "sessions_app:customer_search"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_MINUTES without a request.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "sessions_app.session_store"  # the database store, refreshed in one statement
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`; tests and the demo serve from finders.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

# --- Security headers and cookies -----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer probes over plain HTTP behind the TLS proxy; the answer holds no secret.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Client IP for the audit log: REMOTE_ADDR, unless a trusted proxy sets this header (e.g.
# "HTTP_X_FORWARDED_FOR"); the left-most address of that header is then taken.
TRUSTED_PROXY_IP_HEADER = env.str("TRUSTED_PROXY_IP_HEADER", default="")

# --- Login lockout (django-axes) ------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_CALLABLE = "sessions_app.accounts.lockout.lockout_response"
# The lock lasts the cool-off from the last counted failure, so the retry time shown holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The same client IP as the audit log, so a trusted proxy does not lock out everyone at once.
AXES_CLIENT_IP_CALLABLE = "sessions_app.context.client_ip"
# Axes stores the login request's query string; `next` may carry a search for an email.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "next", "q", "email", "search"]

# --- Paddle ---------------------------------------------------------------------------------
PADDLE_API_KEY = _required(
    "PADDLE_API_KEY", debug_default="pdl_sdbx_apikey_01demo0000000000000000000000_DemoDemoDemoDemoDemoDe_Dmo"
)
PADDLE_ENVIRONMENT = env.str("PADDLE_ENVIRONMENT", default="sandbox")
PADDLE_API_BASE_URL = env.str("PADDLE_API_BASE_URL", default="")
PADDLE_CONNECT_TIMEOUT = env.float("PADDLE_CONNECT_TIMEOUT", default=3.0)
PADDLE_READ_TIMEOUT = env.float("PADDLE_READ_TIMEOUT", default=10.0)
PADDLE_DEADLINE = env.float("PADDLE_DEADLINE", default=20.0)
PADDLE_MAX_RETRY_AFTER = env.float("PADDLE_MAX_RETRY_AFTER", default=5.0)
check_paddle_environment(PADDLE_API_KEY, PADDLE_ENVIRONMENT)
# Requests a minute that all app processes together may send to Paddle (Paddle allows 240).
PADDLE_BUDGET_PER_MINUTE = env.int("PADDLE_BUDGET_PER_MINUTE", default=200)
PADDLE_BUDGET_MAX_WAIT = env.float("PADDLE_BUDGET_MAX_WAIT", default=2.0)

# --- Portal links ---------------------------------------------------------------------------
PORTAL_SESSIONS_ENABLED = env.bool("PORTAL_SESSIONS_ENABLED", default=True)
PORTAL_LINKS_VISIBLE_SECONDS = env.int("PORTAL_LINKS_VISIBLE_SECONDS", default=600)
CONFIRMATION_TOKEN_SECONDS = env.int("CONFIRMATION_TOKEN_SECONDS", default=600)
STEP_UP_REQUIRED = env.bool("STEP_UP_REQUIRED", default=True)
STEP_UP_MINUTES = env.int("STEP_UP_MINUTES", default=15)
PORTAL_SESSIONS_PER_HOUR = env.int("PORTAL_SESSIONS_PER_HOUR", default=30)
PORTAL_SESSIONS_PER_DAY = env.int("PORTAL_SESSIONS_PER_DAY", default=200)

# --- Delivery by email (sessions_app/links/delivery.py) ----------------------------------------
# The console's public address: emailed links are built from it, never from a request's Host.
PUBLIC_BASE_URL = _required("PUBLIC_BASE_URL", debug_default="http://127.0.0.1:8000").rstrip("/")
# SMTP, e.g. smtp+tls://user:password@smtp.example.com:587 (django-environ's email_url).
globals().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="billing-support@example.com")
COMPANY_NAME = env.str("COMPANY_NAME", default="Example Ltd")
REDEMPTION_LINK_HOURS = env.int("REDEMPTION_LINK_HOURS", default=24)
REDEMPTION_ATTEMPTS_PER_MINUTE = env.int("REDEMPTION_ATTEMPTS_PER_MINUTE", default=20)
# The history warns when a customer had more link attempts than this in 24 hours.
LINK_HISTORY_WARN_ABOVE = env.int("LINK_HISTORY_WARN_ABOVE", default=2)

# --- Logging --------------------------------------------------------------------------------
# JSON lines to stdout in production; a filter redacts anything that looks like a portal URL,
# a portal token or an email in a query string, as a safety net behind the code that never
# logs them.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "portal_admin.logging.RedactSecretsFilter"},
        "request_context": {"()": "portal_admin.logging.RequestContextFilter"},
    },
    "formatters": {
        "json": {"()": "portal_admin.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_context", "redact"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Only our handler, so every line passes the redaction filter (Django's defaults add a
        # stderr handler and keep `django.server` from propagating).
        "django": {"handlers": [], "propagate": True},
        # 4xx lines ("Not Found: /path") are noise; they never carry the query string.
        "django.request": {"level": "ERROR"},
        # runserver's request lines do carry the query string: the redaction filter cuts it.
        "django.server": {"level": "WARNING", "propagate": True},
    },
}
