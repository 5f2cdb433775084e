from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from . import docs, errors, views
from .api import api


def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    return errors.response(
        404, f"There is no API path /api/v1/{rest}: see /api/v1/docs for the paths there are."
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="api-index"),
    path("docs/assets/<str:name>", docs.asset, name="api-docs-asset"),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
