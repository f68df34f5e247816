"""Placeholder until the module lands."""
from django.http import HttpResponse


def audit_list(request):
    return HttpResponse("todo")


audit_export = audit_list
audit_detail = audit_list
