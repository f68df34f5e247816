"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_admin.settings")

application = get_wsgi_application()

# Every start of a server process says what it runs without (an acknowledged …_I_UNDERSTAND).
# Not in AppConfig.ready: management commands write their output to stdout, as the logs do.
from sessions_app.checks import warn_at_start  # noqa: E402  (needs the apps loaded)

warn_at_start()
