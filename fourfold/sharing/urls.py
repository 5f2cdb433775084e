from django.urls import path

from . import views, views_share

urlpatterns = [
    path("units/<str:unit>/schedules/", views.schedule_list, name="book-schedules"),
    path("units/<str:unit>/schedules/new/", views.schedule_new, name="book-schedule-new"),
    path("units/<str:unit>/schedules/<int:pk>/", views.schedule_detail, name="book-schedule"),
    path(
        "units/<str:unit>/schedules/<int:pk>/edit/",
        views.schedule_edit,
        name="book-schedule-edit",
    ),
    path(
        "units/<str:unit>/schedules/<int:pk>/test/",
        views.schedule_test,
        name="book-schedule-test",
    ),
    path(
        "units/<str:unit>/schedules/<int:pk>/delete/",
        views.schedule_delete,
        name="book-schedule-delete",
    ),
    path("units/<str:unit>/shares/", views_share.share_list, name="shares"),
    path("units/<str:unit>/shares/<int:pk>/revoke/", views_share.share_revoke, name="share-revoke"),
    path("shared/<str:token>/", views_share.shared, name="shared"),
]
