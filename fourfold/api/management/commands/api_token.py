"""Create a personal API token for a user from the command line, for a pipeline or a test."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fourfold.api.models import ApiToken
from fourfold.audit.models import record


class Command(BaseCommand):
    help = "Create an API token for USER and print its secret (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="User name")
        parser.add_argument("--name", default="command line", help="What the token is for")
        parser.add_argument("--scope", choices=["read", "write"], default="read")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"there is no user '{options['user']}'")
        token, secret = ApiToken.issue(user, options["name"], options["scope"])
        record(user, "api.token.create", f"API token '{token.name}' created on the command line.")
        self.stdout.write(secret)
