"""Two schemas of one name become one component of the OpenAPI description, and one of them then
documents the other's answers (the strategy map's links were described as share links)."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import fourfold.api


def subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    for sub in list(found):
        found |= subclasses(sub)
    return found


def test_every_schema_of_the_api_has_a_name_of_its_own() -> None:
    for module in pkgutil.walk_packages(fourfold.api.__path__, "fourfold.api."):
        importlib.import_module(module.name)
    names: dict[str, set[str]] = defaultdict(set)
    for schema in subclasses(Schema):
        if schema.__module__.startswith("fourfold."):
            names[schema.__name__].add(schema.__module__)
    assert {name: places for name, places in names.items() if len(places) > 1} == {}
