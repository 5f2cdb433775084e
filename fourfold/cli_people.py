"""The commands about people's accounts (registered on `fourfold.cli`'s group)."""

from __future__ import annotations

import click

from fourfold.cli import Failure, cli, with_django


@cli.command(short_help="Let a user, or an address, sign in again after too many failures.")
@click.argument("username", required=False)
@click.option("--address", help="Unlock this IP address instead of (or as well as) a user.")
@with_django
def unlock(username: str | None, address: str | None) -> None:
    """Forget the failed sign-ins of USERNAME (and of an address), so that a locked-out
    account may sign in again at once instead of after the lockout's minutes."""
    from django.contrib.auth import get_user_model

    from fourfold.accounts import throttle
    from fourfold.audit.models import record

    if not username and not address:
        raise Failure("Name the user to unlock, or give --address.")
    if username:
        if not get_user_model().objects.filter(username=username).exists():
            raise Failure(f"There is no user '{username}'.")
        throttle.unlock(username)
        record(None, "user.unlock", f"Unlocked the sign-in of {username}", user=username)
        click.echo(f"{username} may sign in again.")
    if address:
        throttle.unlock_address(address)
        record(None, "user.unlock", f"Unlocked sign-in from {address}", address=address)
        click.echo(f"Sign-in from {address} is allowed again.")
