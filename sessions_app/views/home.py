"""`/`: each role's start page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..landing import landing_url


@login_required
@require_GET
@never_cache
def home(request: HttpRequest) -> HttpResponseRedirect:
    """Redirect to the first page the user's role may use; 403 for a user with no role at all."""
    url = landing_url(request)
    if url is None:
        raise PermissionDenied
    return HttpResponseRedirect(url)
