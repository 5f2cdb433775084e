from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "fourfold.reviews"
    label = "reviews"
