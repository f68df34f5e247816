"""Placeholder until the module lands."""
from django.http import HttpResponse


def customer_search(request):
    return HttpResponse("todo")


customer_detail = customer_search
