"""The Django admin lists every model, and migrations match the models."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from fourfold.demo.install import DEMO_FILE
from fourfold.files.load import load

pytestmark = pytest.mark.django_db


def test_there_are_no_pending_migrations() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_every_fourfold_model_is_in_the_admin() -> None:
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("fourfold.")]
    assert ours
    missing = [m.__name__ for m in ours if m not in admin.site._registry]
    assert missing == []


def test_every_admin_list_opens_on_the_demo_data(client: Client) -> None:
    load(DEMO_FILE.read_text(), actor=None, source_name="northwind.yaml")
    user = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    for model in admin.site._registry:
        if not model.__module__.startswith("fourfold."):
            continue
        meta = model._meta
        response = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, meta.label


def test_the_admin_refuses_an_anonymous_visitor(client: Client) -> None:
    response = client.get("/admin/measures/kpi/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
