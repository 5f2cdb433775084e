from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "fourfold.strategy"
    label = "strategy"
