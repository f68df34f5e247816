"""Template context: the signed-in user's console permissions, for hiding links (views enforce)."""

from django.http import HttpRequest

from .permissions import console_permissions


def console(request: HttpRequest) -> dict[str, frozenset[str]]:
    return {"console_perms": console_permissions(request.user)}
