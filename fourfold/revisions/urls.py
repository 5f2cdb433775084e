from django.urls import path

from . import views

urlpatterns = [
    path("revisions/", views.revisions, name="revisions"),
    path("revisions/diff/", views.compare, name="revisions-diff"),
]
