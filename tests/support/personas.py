"""The test run's Paddle key, and users in a role with a known password."""

from typing import Any

from django.contrib.auth.models import Group, User
from django.test import Client

TEST_API_KEY = "pdl_sdbx_apikey_01test000000000000000000000_TestTestTestTestTestTe_Tst"
PASSWORD = "correct horse battery staple"


def make_user(username: str, *, role: str | None = None, **extra: Any) -> User:
    """A user with PASSWORD, in the named role's group (if any)."""
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
