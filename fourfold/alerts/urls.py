from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.mine, name="my-alerts"),
    path("alerts/follow/<str:kind>/<str:code>/", views.follow, name="alerts-follow"),
    path("alerts/<int:pk>/", views.change, name="alerts-change"),
    path("alerts/<int:pk>/unfollow/", views.unfollow, name="alerts-unfollow"),
    path("manage/alerts/channels/", views.channels, name="alerts-channels"),
    path(
        "manage/alerts/channels/<int:pk>/delete/",
        views.channel_delete,
        name="alerts-channel-delete",
    ),
    path("manage/alerts/deliveries/", views.deliveries, name="alerts-deliveries"),
]
