from django.urls import path

from . import forms_views, page, pages

urlpatterns = [
    path("units/<str:unit>/initiatives/", pages.initiatives, name="initiatives"),
    path("units/<str:unit>/initiatives/new/", forms_views.create, name="initiative-new"),
    path("units/<str:unit>/initiatives/<str:code>/", page.initiative, name="initiative"),
    path("units/<str:unit>/initiatives/<str:code>/edit/", forms_views.edit, name="initiative-edit"),
    path(
        "units/<str:unit>/initiatives/<str:code>/progress/",
        forms_views.progress,
        name="initiative-progress",
    ),
    path(
        "units/<str:unit>/initiatives/<str:code>/milestones/<int:pk>/done/",
        forms_views.milestone_done,
        name="milestone-done",
    ),
]
