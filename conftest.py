"""Test-run defaults, set before Django reads its settings: production-shaped, on loopback."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-" + "k" * 50)
os.environ.setdefault("AUDIT_CHAIN_KEY", "test-audit-chain-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "true")
os.environ.setdefault("PADDLE_API_KEY", "pdl_sdbx_apikey_01test000000000000000000000_TestTestTestTestTestTe_Tst")
os.environ.setdefault("PADDLE_API_BASE_URL", "http://127.0.0.1:9")  # replaced by the emulator fixture
os.environ.setdefault("LOG_FORMAT", "text")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")
