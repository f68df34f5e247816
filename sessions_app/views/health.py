"""Placeholder until the module lands."""
from django.http import HttpResponse


def healthz(request):
    return HttpResponse("todo")
