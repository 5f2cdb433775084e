from django.urls import path

from . import oidc, views

urlpatterns = [
    path("login/", views.SignIn.as_view(), name="login"),
    path("login/code/", views.code, name="code"),
    path("logout/", views.SignOut.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="two_factor_codes"),
    path("two-factor/off/", views.two_factor_off, name="two_factor_off"),
    # Single sign-on (404 unless it is set up); the names are mozilla-django-oidc's.
    path("sso/", oidc.Start.as_view(), name="oidc_authentication_init"),
    path("sso/callback/", oidc.Callback.as_view(), name="oidc_authentication_callback"),
]
