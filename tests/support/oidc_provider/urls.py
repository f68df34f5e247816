from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("o/authorize/", views.MaxAgeAuthorizationView.as_view(), name="authorize-max-age"),
    path("o/", include("oauth2_provider.urls")),
    path("_test/users", views.put_user, name="put-user"),
]
