from django.urls import path

from . import views

app_name = "cascade"
urlpatterns = [
    path("units/<slug:unit>/cascade/", views.page, name="page"),
    path("units/<slug:unit>/cascade/settle/", views.settle, name="settle"),
]
