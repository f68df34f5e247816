"""Settings for the portal-link console: one module, every variable read once from the environment.

`.env.example` lists every variable. With DJANGO_DEBUG=false (the default) the secrets have no
default and start-up stops with a clear message when one is missing.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from portal_admin import production_checks
from portal_admin.paddle_settings import check_paddle_environment, default_portal_hosts

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _required(name: str, *, debug_default: str) -> str:
    """A secret: required in production, a fixed development value under DEBUG."""
    value: str = env.str(name, default="")
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
    # First: drops X-Forwarded-* from peers that are not TRUSTED_PROXIES, before anything reads them.
    "sessions_app.middleware.UntrustedForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sessions_app.middleware.RequestIdMiddleware",
    "sessions_app.views.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sessions_app.middleware.RequestUserMiddleware",
    "sessions_app.accounts.throttle.SignInThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sessions_app.middleware.HtmxSignInRedirectMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bounds on a down or hung PostgreSQL (README, "When our own services fail"): a connection
    # attempt gives up after DATABASE_CONNECT_TIMEOUT seconds, a statement after
    # DATABASE_STATEMENT_TIMEOUT_MS (0: none; maintenance commands may set it so).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3))
    _statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=10_000)
    _pg_options["options"] = " ".join(
        filter(None, [_pg_options.get("options", ""), f"-c statement_timeout={_statement_timeout}"])
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits, the Paddle budget and one-time tokens live here: Redis in production so that
# every app process shares them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://portal-console")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A down Redis refuses at once; a hung one holds a call at most this long (seconds), and
    # no call is retried (README, "When our own services fail").
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
        socket_timeout=env.float("CACHE_TIMEOUT", default=0.5),
        retry_on_timeout=False,
    )

# Seconds an SMTP connection or command may take before delivery gives up (Django's EMAIL_TIMEOUT).
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
# A per-process cache in production only on purpose (one process): limits are not shared.
CACHE_URL_LOCAL_I_UNDERSTAND = env.bool("CACHE_URL_LOCAL_I_UNDERSTAND", default=False)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Signs in nobody through `authenticate()`: only the OIDC callback view uses it (see
    # sessions_app/accounts/oidc.py); listed so that sessions it started resolve their user.
    "sessions_app.accounts.oidc.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # each role's start page (sessions_app/landing.py)
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

# --- Client IP and proxies ------------------------------------------------------------------
# The proxies in front of the app (comma-separated addresses or CIDRs). Only requests whose peer is
# one of them may set X-Forwarded-Proto or the client-IP header; gunicorn.conf.py reads the same
# variable for its forwarded_allow_ips.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# The header that carries the client's address (e.g. "HTTP_X_FORWARDED_FOR"): the right-most
# address in it that is not one of TRUSTED_PROXIES is the client (sessions_app/client_ip.py).
TRUSTED_PROXY_IP_HEADER = env.str("TRUSTED_PROXY_IP_HEADER", default="")
production_checks.refuse(
    production_checks.proxy_findings(
        header=TRUSTED_PROXY_IP_HEADER,
        proxies=TRUSTED_PROXIES,
        behind_tls_proxy=SECURE_PROXY_SSL_HEADER is not None,
    )
)

# --- Login lockout (django-axes) ------------------------------------------------------------
# Failures within the cool-off before a lockout: per username and address, per address across
# usernames (password spraying), per username across addresses; 0 switches the last two off.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", default=20)
LOGIN_FAILURES_PER_USERNAME = env.int("LOGIN_FAILURES_PER_USERNAME", default=10)
AXES_FAILURE_LIMIT = "sessions_app.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_DISABLED_I_UNDERSTAND = env.bool("AXES_DISABLED_I_UNDERSTAND", default=False)
AXES_LOCKOUT_CALLABLE = "sessions_app.accounts.lockout.lockout_response"
# The lock lasts the cool-off from the last counted failure, so the retry time shown holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The same client IP as the audit log, so a trusted proxy does not lock out everyone at once.
AXES_CLIENT_IP_CALLABLE = "sessions_app.client_ip.client_ip"
# Axes would store the query string and the POST body of every failure (a step-up's confirmation
# token, reason and CSRF token): sessions_app/accounts/lockout.py blanks both before they are
# saved; these are masked as a second line.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "next",
    "q",
    "email",
    "search",
    "confirmation_token",
    "reason",
    "csrfmiddlewaretoken",
    "requester_email",
]

# --- Single sign-on (OpenID Connect, mozilla-django-oidc) ------------------------------------
# On when OIDC_ENABLED is true, or when it is unset and a provider (OIDC_OP_ISSUER) is configured.
# Staff then sign in at the provider only; passwords stay for superusers' break-glass, if allowed.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=bool(OIDC_OP_ISSUER))
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your company account")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_END_SESSION_ENDPOINT = env.str("OIDC_OP_END_SESSION_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile groups")
# The claim that lists the user's groups, and which group gives which console role.
OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="groups")
OIDC_ROLE_MAP: dict[str, str] = env.dict("OIDC_ROLE_MAP", default={})
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=5.0)
# Superusers may still sign in with a password while SSO is on (audited as auth.break_glass).
ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS = env.bool("ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS", default=False)
if OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
            "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"OIDC_ENABLED is on but {_missing[0]} is not set; see .env.example.")
# Fixed choices, not settings: RS256 ID tokens checked against the provider's keys, PKCE S256,
# a nonce, and the ID token kept in the session for the provider's sign-out (id_token_hint).
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
if OIDC_ENABLED:
    # The provider's redirect back to the callback is a cross-site navigation: a Strict session
    # cookie would not come with it (and the sign-in's state would be "not found"). Lax still
    # keeps it off cross-site POSTs, and every POST needs the CSRF token too.
    SESSION_COOKIE_SAMESITE = "Lax"
    # Signing out is a form post that the console redirects to the provider (and a step-up may be
    # one): CSP's form-action covers those redirects, so it names the provider's origins.
    for _endpoint in (OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_END_SESSION_ENDPOINT):
        _origin = "{0.scheme}://{0.netloc}".format(urlsplit(_endpoint))
        if urlsplit(_endpoint).netloc and _origin not in CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]:
            CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(_origin)

# Anonymous sign-in POSTs per client IP and minute (0: off), before the password check and the
# audit log; failures and lockouts are audited once per (username, IP) and cool-off.
SIGN_IN_POSTS_PER_MINUTE = env.int("SIGN_IN_POSTS_PER_MINUTE", default=20)

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
production_checks.refuse(
    production_checks.live_key_findings(api_key=PADDLE_API_KEY, base_url=PADDLE_API_BASE_URL)
)
# Hosts whose https:// portal links the console shows (comma-separated); anything else is a
# failure. With PADDLE_API_BASE_URL pointing elsewhere (the emulator), its own origin too.
PADDLE_PORTAL_HOSTS = env.list("PADDLE_PORTAL_HOSTS", default=default_portal_hosts(PADDLE_ENVIRONMENT))
# Requests a minute that all app processes together may send to Paddle (Paddle allows 240).
PADDLE_BUDGET_PER_MINUTE = env.int("PADDLE_BUDGET_PER_MINUTE", default=200)
PADDLE_BUDGET_MAX_WAIT = env.float("PADDLE_BUDGET_MAX_WAIT", default=2.0)

# --- Portal links ---------------------------------------------------------------------------
KILL_SWITCH_ON = env.bool("KILL_SWITCH_ON", default=False)
PORTAL_LINKS_VISIBLE_SECONDS = env.int("PORTAL_LINKS_VISIBLE_SECONDS", default=600)
CONFIRMATION_TOKEN_SECONDS = env.int("CONFIRMATION_TOKEN_SECONDS", default=600)
# How far apart the clocks of app hosts and the database may be: a token signed further in the
# future is refused, and spent tokens are kept this much longer than they can be used.
CONFIRMATION_CLOCK_SKEW_SECONDS = env.int("CONFIRMATION_CLOCK_SKEW_SECONDS", default=120)
STEP_UP_REQUIRED = env.bool("STEP_UP_REQUIRED", default=True)
STEP_UP_DISABLED_I_UNDERSTAND = env.bool("STEP_UP_DISABLED_I_UNDERSTAND", default=False)
STEP_UP_MINUTES = env.int("STEP_UP_MINUTES", default=15)
PORTAL_SESSIONS_PER_HOUR = env.int("PORTAL_SESSIONS_PER_HOUR", default=30)
PORTAL_SESSIONS_PER_DAY = env.int("PORTAL_SESSIONS_PER_DAY", default=200)

# --- Delivery by email (sessions_app/links/delivery.py) ----------------------------------------
# The console's public address: emailed links are built from it, never from a request's Host.
PUBLIC_BASE_URL = _required("PUBLIC_BASE_URL", debug_default="http://127.0.0.1:8000").rstrip("/")
# SMTP, e.g. smtp+tls://user:password@smtp.example.com:587 (django-environ's email_url).
globals().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="billing-support@example.com")
COMPANY_NAME = env.str("COMPANY_NAME", default="Example Ltd")
REDEMPTION_LINK_HOURS = env.int("REDEMPTION_LINK_HOURS", default=24)
REDEMPTION_ATTEMPTS_PER_MINUTE = env.int("REDEMPTION_ATTEMPTS_PER_MINUTE", default=20)
# The history warns when a customer had more link attempts than this in 24 hours.
LINK_HISTORY_WARN_ABOVE = env.int("LINK_HISTORY_WARN_ABOVE", default=2)

# --- Four eyes (sessions_app/links/approvals.py) ------------------------------------------------
# When a manager must approve a link request first; each rule can be switched off.
APPROVAL_ON_SHOW_MISMATCH = env.bool("APPROVAL_ON_SHOW_MISMATCH", default=True)
APPROVAL_ON_HIGH_VALUE = env.bool("APPROVAL_ON_HIGH_VALUE", default=True)
APPROVAL_HIGH_VALUE_KEY = env.str("APPROVAL_HIGH_VALUE_KEY", default="support_tier")
APPROVAL_HIGH_VALUE_VALUE = env.str("APPROVAL_HIGH_VALUE_VALUE", default="vip")
APPROVAL_ON_QUOTA = env.bool("APPROVAL_ON_QUOTA", default=True)
APPROVAL_DECIDE_MINUTES = env.int("APPROVAL_DECIDE_MINUTES", default=30)
APPROVAL_USE_MINUTES = env.int("APPROVAL_USE_MINUTES", default=15)
# Where new requests are announced; empty: every active user whose role may approve.
APPROVAL_NOTIFY_EMAILS = env.list("APPROVAL_NOTIFY_EMAILS", default=[])

# Reads one agent may make a minute (a search costs Paddle up to two calls of PADDLE_BUDGET_PER_MINUTE,
# a customer page four): the defaults let one agent use at most 2 x 30 + 4 x 10 = 100 of the 200,
# so others keep working.
# Live search sends one search per pause in typing. 0: no limit.
SEARCHES_PER_MINUTE = env.int("SEARCHES_PER_MINUTE", default=30)
CUSTOMER_VIEWS_PER_MINUTE = env.int("CUSTOMER_VIEWS_PER_MINUTE", default=10)

# --- Health check ---------------------------------------------------------------------------
# Anonymous callers of /healthz get only the status; this token (header X-Healthz-Token) or a
# signed-in manager gets the details. Empty: only managers.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# --- Production refusals ----------------------------------------------------------------------
PRODUCTION_FINDINGS = (
    []
    if DEBUG
    else production_checks.production_findings(
        secret_key=SECRET_KEY,
        audit_chain_key=AUDIT_CHAIN_KEY,
        cache_backend=CACHES["default"]["BACKEND"],
        cache_local_acknowledged=CACHE_URL_LOCAL_I_UNDERSTAND,
        paddle_base_url=PADDLE_API_BASE_URL,
        axes_enabled=AXES_ENABLED,
        axes_disabled_acknowledged=AXES_DISABLED_I_UNDERSTAND,
        step_up_required=STEP_UP_REQUIRED,
        step_up_disabled_acknowledged=STEP_UP_DISABLED_I_UNDERSTAND,
    )
)
production_checks.refuse(PRODUCTION_FINDINGS)

# --- Logging --------------------------------------------------------------------------------
# JSON lines to stdout in production; a filter redacts anything that looks like a portal URL,
# a portal token or an email in a query string, as a safety net behind the code that never
# logs them.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING: dict[str, Any] = {
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
