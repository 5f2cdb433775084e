from django.urls import path

from . import action_page, meeting, views

ONE = "units/<str:code>/reviews/<int:pk>/"
ITEM = ONE + "items/<int:item>/"

urlpatterns = [
    path("units/<str:code>/reviews/", views.reviews, name="reviews"),
    path("units/<str:code>/reviews/new/", views.new_review, name="review-new"),
    path("units/<str:code>/reviews/series/new/", views.new_series, name="review-series-new"),
    path(ONE, meeting.review, name="review"),
    path(ONE + "items/new/", meeting.add_item, name="review-item-new"),
    path(ONE + "start/", meeting.change_state, {"to": "start"}, name="review-start"),
    path(ONE + "close/", meeting.change_state, {"to": "close"}, name="review-close"),
    path(ITEM + "commentary/", meeting.commentary, name="review-commentary"),
    path(ITEM + "decisions/", meeting.decision, name="review-decision"),
    path(ITEM + "actions/", meeting.action, name="review-action"),
    path(ITEM + "drop/", meeting.arrange, {"how": "drop"}, name="review-item-drop"),
    path(ITEM + "restore/", meeting.arrange, {"how": "restore"}, name="review-item-restore"),
    path(ITEM + "up/", meeting.arrange, {"how": "up"}, name="review-item-up"),
    path(ITEM + "down/", meeting.arrange, {"how": "down"}, name="review-item-down"),
    path("units/<str:code>/actions/<int:pk>/", action_page.action, name="action"),
    path("units/<str:code>/actions/<int:pk>/status/", action_page.status, name="action-status"),
]
