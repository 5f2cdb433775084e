from django.urls import path

from fourfold.api import views as api_views
from fourfold.checks import views as checks

from . import entry, home, kpi, objective, people, reliability, strategymap, views

urlpatterns = [
    path("", home.home, name="home"),
    path("scorecards/", home.scorecards, name="scorecards"),
    path("units/", views.pick, name="pick"),
    path("units/<str:code>/", views.unit_scorecard, name="scorecard"),
    path("units/<str:unit>/kpis/<str:code>/", kpi.page, name="kpi"),
    path("units/<str:unit>/kpis/<str:code>/comments/", kpi.comment, name="kpi-comment"),
    path("units/<str:unit>/objectives/<str:code>/", objective.page, name="objective"),
    path(
        "units/<str:unit>/objectives/<str:code>/comments/",
        objective.comment,
        name="objective-comment",
    ),
    path("units/<str:unit>/map/", strategymap.strategy_map, name="strategy_map"),
    path("units/<str:code>/check/", checks.page, name="check"),
    path("units/<str:code>/forecasts/", reliability.page, name="reliability"),
    path("people/", people.people, name="people"),
    path("people/<int:pk>/", people.person, name="person"),
    # Data entry, upload and download (fourfold.web.entry)
    path("my/kpis/", entry.my_kpis, name="my-kpis"),
    path("my/kpis/<int:kpi_id>/approval/", entry.approval_setting, name="approval-setting"),
    path(
        "my/pending/<int:pk>/<str:decision>/",
        entry.decide,
        name="pending-decide",
    ),
    path("units/<str:code>/entry/", entry.entry, name="entry"),
    path("units/<str:code>/entry/validate/", entry.validate, name="entry-validate"),
    path("units/<str:code>/export/", entry.download, name="export"),
    path("import/", entry.upload, name="import"),
    path("import/map/", entry.upload_map, name="import-map"),
    path("import/confirm/", entry.upload_confirm, name="import-confirm"),
    path("import/cancel/", entry.upload_cancel, name="import-cancel"),
    # Personal API tokens (fourfold.api.views)
    path("api-tokens/", api_views.tokens, name="api-tokens"),
    path("api-tokens/<int:pk>/revoke/", api_views.revoke, name="api-token-revoke"),
]
