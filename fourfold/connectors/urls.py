from django.urls import path

from . import views

urlpatterns = [
    path("sources/", views.connector_list, name="connectors"),
    path("sources/new/", views.connector_new, name="connector_new"),
    path("sources/<slug:name>/", views.connector_detail, name="connector"),
    path("sources/<slug:name>/edit/", views.connector_edit, name="connector_edit"),
    path("sources/<slug:name>/run/", views.connector_run, name="connector_run"),
    path("sources/<slug:name>/delete/", views.connector_delete, name="connector_delete"),
    path("sources/<slug:name>/runs/<int:pk>/", views.run_detail, name="connector_run_detail"),
]
