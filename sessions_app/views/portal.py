"""Placeholder until the module lands."""
from django.http import HttpResponse


def portal_session_confirm(request, customer_id):
    return HttpResponse("todo")


portal_session_create = portal_session_confirm
