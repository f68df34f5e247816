"""Who is acting, from where: built once per request and handed to services instead of HttpRequest."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from portal_admin.logging import request_id_var

from .client_ip import client_ip

USER_AGENT_MAX = 256
_CACHE_ATTR = "_console_context"

Actor = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class RequestContext:
    """The acting user and where the request came from, as the audit log records them."""

    actor: Actor
    client_ip: str | None = None
    user_agent: str = ""
    request_id: str = ""

    @property
    def user(self) -> AbstractBaseUser | None:
        """The signed-in user, or None for an anonymous caller."""
        actor = self.actor
        return actor if isinstance(actor, AbstractBaseUser) and actor.is_authenticated else None


def context_for(request: HttpRequest | None, *, actor: Actor) -> RequestContext:
    """`actor`'s context: from the request when there is one (sign-in signals may come without)."""
    return context_of(request, actor=actor) if request is not None else RequestContext(actor=actor)


def context_of(request: HttpRequest, *, actor: Actor | None = None) -> RequestContext:
    """The request's context (built on first use); `actor` overrides the user, e.g. during sign-in."""
    if actor is None:
        cached = getattr(request, _CACHE_ATTR, None)
        if isinstance(cached, RequestContext):
            return cached
    context = RequestContext(
        actor=actor if actor is not None else getattr(request, "user", AnonymousUser()),
        client_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        request_id=request_id_var.get(),
    )
    if actor is None:
        setattr(request, _CACHE_ATTR, context)
    return context
