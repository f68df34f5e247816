"""`manage.py demo` makes users with printed passwords, so it must never run in production."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings


def test_the_demo_refuses_to_run_without_debug(settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("demo")
