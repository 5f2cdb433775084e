"""Share links: opened without signing in, each use logged; expired, revoked or tampered with,
refused in one sentence with nothing shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from fourfold.accounts.models import Role
from fourfold.sharing import links
from fourfold.sharing.models import ShareLink, ShareUse
from fourfold.sharing.services import SharingError

from .conftest import Org

AGENT = "Mozilla/5.0 (the board's tablet)"


def _open(url: str) -> object:
    return Client().get(url, HTTP_USER_AGENT=AGENT, REMOTE_ADDR="203.0.113.7")


def test_a_scorecard_link_shows_the_scorecard_as_its_maker_may_see_it_and_logs_the_use(
    org: Org,
) -> None:
    # Made by Vic (as if he had been an editor then): it shows what he may see now, Acme and
    # East but not Westland.
    link = ShareLink.objects.create(
        kind="scorecard",
        unit=org.acme,
        created_by=org.vic,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    answer = _open(links.address(link))
    page = answer.content.decode()  # type: ignore[attr-defined]
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert "Acme Corp" in page and "Group revenue" in page and "East Division" in page
    assert "Westland" not in page  # Vic may not see Westland: neither may the link
    assert 'href="/units/' not in page and "Sign in" not in page  # no way into the app
    assert answer["Cache-Control"] == "private, no-store"  # type: ignore[index]
    (use,) = ShareUse.objects.filter(link=link)
    assert (use.outcome, use.address, use.user_agent) == ("shown", "203.0.113.7", AGENT)


def test_a_book_link_gives_the_book_frozen_at_the_links_making(org: Org) -> None:
    link = links.create(org.eddie, org.acme, template=org.template, fmt="xlsx")
    answer = _open(links.address(link))
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")  # type: ignore[index]
    assert answer.content[:2] == b"PK"  # type: ignore[attr-defined]


def test_an_expired_link_is_refused_and_shows_nothing(org: Org) -> None:
    link = links.create(org.eddie, org.acme, days=1)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    answer = _open(links.address(link))
    page = answer.content.decode()  # type: ignore[attr-defined]
    assert answer.status_code == 410  # type: ignore[attr-defined]
    assert "This link expired on" in page and "Group revenue" not in page
    assert ShareUse.objects.get(link=link).outcome == "expired"


def test_a_revoked_link_is_refused_and_shows_nothing(org: Org) -> None:
    link = links.create(org.eddie, org.acme)
    links.revoke(link, actor=org.eddie)
    answer = _open(links.address(link))
    page = answer.content.decode()  # type: ignore[attr-defined]
    assert answer.status_code == 410  # type: ignore[attr-defined]
    assert "This link was revoked" in page and "Group revenue" not in page
    assert ShareUse.objects.get(link=link).outcome == "revoked"


def test_a_link_whose_maker_lost_the_unit_shows_nothing(org: Org) -> None:
    link = links.create(org.eddie, org.acme)
    Role.objects.filter(user=org.eddie).delete()
    answer = _open(links.address(link))
    assert answer.status_code == 410  # type: ignore[attr-defined]
    assert "Group revenue" not in answer.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize("change", ["last", "key", "nonce", "garbage"])
def test_a_link_tampered_with_is_refused(org: Org, change: str) -> None:
    link = links.create(org.eddie, org.acme)
    token = links.token(link)
    if change == "last":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif change == "key":  # signed by someone else
        token = signing.dumps([link.pk, link.nonce], salt=links.SALT, key="not our secret")
    elif change == "nonce":  # signed by us, for a link that is no more
        token = signing.dumps([link.pk, "old"], salt=links.SALT)
    else:
        token = "not-a-link"
    answer = _open(f"/shared/{token}/")
    assert answer.status_code == 404  # type: ignore[attr-defined]
    assert "This link is not valid" in answer.content.decode()  # type: ignore[attr-defined]
    assert not ShareUse.objects.exists()


def test_only_an_editor_may_share_and_for_a_year_at_most(org: Org) -> None:
    with pytest.raises(SharingError, match="You may not share the scorecard of Acme Corp"):
        links.create(org.vic, org.acme)
    with pytest.raises(SharingError, match="A link lasts from 1 to 365 days, not 400"):
        links.create(org.eddie, org.acme, days=400)
    assert not ShareLink.objects.exists()
