"""The test run's settings: portal_admin.settings, with production-shaped loopback defaults.

Only environment defaults live here (pytest-django imports this before any conftest runs);
every setting is still read by portal_admin/settings.py, and passes its production refusals
(portal_admin/production_checks.py): the secrets are random (fixed, for repeatable runs), the
emulator is on loopback. The one weakening is acknowledged, as production would have to:
CACHE_URL_LOCAL_I_UNDERSTAND, because the suite runs in one process on the local-memory cache.
Tests that need the refusals start a subprocess with a production environment (tests/ops).
"""

import os
import tempfile
from pathlib import Path

_TEST_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "BPhqr7gs9Xk9afUKLDM5lQukTK3q_bFUaGC_pT10xlYkKUsikgPZBHVGOxvQECrB",
    "AUDIT_CHAIN_KEY": "Ef7dAgt47rXAcSRD5gpoYc0jg4kJOT9p44TWW-Ax5LU",
    "CACHE_URL_LOCAL_I_UNDERSTAND": "true",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_STATIC_MANIFEST": "false",
    "WHITENOISE_USE_FINDERS": "true",
    "PADDLE_API_KEY": "pdl_sdbx_apikey_01test000000000000000000000_TestTestTestTestTestTe_Tst",
    "PADDLE_API_BASE_URL": "http://127.0.0.1:9",  # replaced by the emulator fixture
    "LOG_FORMAT": "text",
    "PUBLIC_BASE_URL": "http://testserver",
    "EMAIL_URL": "smtp://127.0.0.1:9",  # replaced by the SMTP fixture
    # Static files come from the finders; WhiteNoise only wants the root to exist.
    "DJANGO_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "portal-console-static"),
}
for _name, _value in _TEST_ENV.items():
    os.environ.setdefault(_name, _value)

Path(os.environ["DJANGO_STATIC_ROOT"]).mkdir(exist_ok=True)

from portal_admin.settings import *  # noqa: E402, F403

# Users are made per test; the default hasher takes ~0.3-0.5 s per user (and per password check).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
