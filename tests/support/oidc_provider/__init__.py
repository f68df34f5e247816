"""A real OpenID Connect provider for the tests (and `scripts/demo --sso`): django-oauth-toolkit.

It runs in a process of its own on loopback (`python -m tests.support.oidc_provider`), with its
own settings module, SQLite file and RS256 key, and registers the console as a confidential
client. `tests/support/oidc_provider/fixture.py` starts it for a pytest session.
"""
