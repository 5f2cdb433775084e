from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.pick, name="pick"),
    path("units/<str:code>/", views.unit_scorecard, name="scorecard"),
]
