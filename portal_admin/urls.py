"""Root URLs: the app, sign-in and sign-out (passwords or OpenID Connect), admin, health check."""

from django.contrib import admin
from django.urls import include, path

from sessions_app.views import health, home, sign_in

# A database outage raised outside a view (the session store, the login lockout) answers 503.
handler500 = "sessions_app.views.unavailable.server_error"

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", sign_in.ConsoleLoginView.as_view(), name="login"),
    path("accounts/logout/", sign_in.sign_out, name="logout"),
    # OpenID Connect (404 unless OIDC_ENABLED); the names are mozilla-django-oidc's.
    path("oidc/authenticate/", sign_in.oidc_sign_in, name="oidc_authentication_init"),
    path("oidc/callback/", sign_in.oidc_callback, name="oidc_authentication_callback"),
    path("oidc/step-up/", sign_in.oidc_step_up, name="oidc_step_up"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("", include("sessions_app.urls")),
]
