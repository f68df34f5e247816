"""Request types for annotations: what the middleware and the access decorators guarantee."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class ConsoleRequest(HttpRequest):
    """A request behind `login_required`, through django-htmx's middleware."""

    user: User
    htmx: HtmxDetails
