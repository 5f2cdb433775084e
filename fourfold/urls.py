from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("fourfold.accounts.urls")),
    path("api/v1/", include("fourfold.api.urls")),
    path("", include("fourfold.alerts.urls")),
    path("", include("fourfold.editing.urls")),
    path("", include("fourfold.cascade.urls")),
    path("", include("fourfold.connectors.urls")),
    path("", include("fourfold.history.urls")),
    path("", include("fourfold.revisions.urls")),
    path("", include("fourfold.initiatives.urls")),
    path("", include("fourfold.sharing.urls")),
    path("", include("fourfold.reports.urls")),
    path("", include("fourfold.reviews.urls")),
    path("", include("fourfold.web.urls")),
]

handler403 = "fourfold.web.views.refused"
handler404 = "fourfold.web.views.not_found"
