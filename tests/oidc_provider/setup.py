"""Ready the test identity provider: its database, a signing key, the client Fourfold signs
in with, and its people. Run as `python -m tests.oidc_provider.setup REDIRECT LOGOUT PEOPLE`
with the provider's settings; PEOPLE is JSON: [[username, password, email, first, last], ...].
"""

from __future__ import annotations

import json
import sys

import django

CLIENT_ID = "fourfold-tests"
CLIENT_SECRET = "a secret of the tests only"


def main(redirect: str, logout: str, people: str) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey", verbosity=0)
    client = Client.objects.create(
        name="Fourfold",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
    )
    client.redirect_uris = [redirect]
    client.post_logout_redirect_uris = [logout]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    for username, password, email, first, last in json.loads(people):
        User.objects.create_user(username, email, password, first_name=first, last_name=last)


if __name__ == "__main__":
    main(*sys.argv[1:4])
