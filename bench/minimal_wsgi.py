"""The baseline for bench/overhead.py: one Django view returning "ok" (GET /ok), under the console's
own settings and middleware (sessions, auth, CSRF, CSP, axes, ...), served by the same gunicorn
configuration: `gunicorn -c gunicorn.conf.py bench.minimal_wsgi`.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_admin.settings")
settings.ROOT_URLCONF = __name__  # loads portal_admin.settings, then replaces only the URLs


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("ok", ok)]
application = get_wsgi_application()
