"""The journey runs twice: with password sign-in, and with SSO on (the console configured for an
identity provider; these tests sign in with Django's test client, as a provider callback would)."""

import pytest
from pytest_django import Settings

from tests.support.oidc_provider.fixture import OFFLINE_SSO


@pytest.fixture(params=["sso off", "sso on"])
def either_sign_in(request: pytest.FixtureRequest, settings: Settings) -> str:
    """The console with SSO off, then on."""
    if request.param == "sso on":
        for name, value in OFFLINE_SSO.items():
            setattr(settings, name, value)
    return str(request.param)
