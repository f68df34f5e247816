"""Root URLs: the app, Django auth (login and logout only), admin, health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from sessions_app.views import health

# A database outage raised outside a view (the session store, the login lockout) answers 503.
handler500 = "sessions_app.views.unavailable.server_error"

urlpatterns = [
    # Generic views answer PUT (the login form even processes it like a POST): only what is served.
    path(
        "",
        RedirectView.as_view(pattern_name="sessions_app:customer_search", http_method_names=["get", "head"]),
        name="home",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, http_method_names=["get", "head", "post", "options"]
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("", include("sessions_app.urls")),
]
