"""What one user may see and change, worked out once per request in a fixed few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from fourfold.measures.models import KPI
from fourfold.strategy.models import Unit

from .models import Role


@dataclass
class Access:
    """Unit ids a user can view and edit, and KPI ids they can enter values for.

    Roles apply to a unit and every unit below it. An administrator (a superuser or a user
    with the admin role) can do everything. Contributors of a unit, and the owner and
    contributor of a KPI, can enter its values and see its unit.
    """

    user: Any
    is_admin: bool = False
    viewable: set[int] = field(default_factory=set)
    editable: set[int] = field(default_factory=set)
    enterable_kpis: set[int] = field(default_factory=set)
    enterable_units: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, user: Any) -> Access:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user)
        roles = list(Role.objects.filter(user=user).values_list("kind", "unit_id"))
        admin = user.is_superuser or any(k == Role.Kind.ADMIN for k, _ in roles)
        children: dict[int | None, list[int]] = defaultdict(list)
        for pk, parent in Unit.objects.values_list("pk", "parent_id"):
            children[parent].append(pk)
        everything = {pk for ids in children.values() for pk in ids}
        if admin:
            return cls(user, True, everything, everything, set())

        def subtree(unit: int | None) -> set[int]:
            if unit is None:
                return everything
            out, stack = set(), [unit]
            while stack:
                node = stack.pop()
                out.add(node)
                stack.extend(children.get(node, []))
            return out

        viewable: set[int] = set()
        editable: set[int] = set()
        contributing: set[int] = set()
        for kind, unit in roles:
            units = subtree(unit)
            viewable |= units
            if kind == Role.Kind.EDITOR:
                editable |= units
            elif kind == Role.Kind.CONTRIBUTOR:
                contributing |= units
        kpis = KPI.objects.filter(Q(owner=user) | Q(contributor=user), archived=False)
        enterable: set[int] = set()
        for kpi_id, unit_id in kpis.values_list("pk", "objective__perspective__scorecard__unit_id"):
            enterable.add(kpi_id)
            viewable.add(unit_id)
        return cls(user, False, viewable, editable, enterable, contributing)

    def can_view(self, unit_id: int) -> bool:
        return self.is_admin or unit_id in self.viewable

    def can_edit(self, unit_id: int) -> bool:
        return self.is_admin or unit_id in self.editable

    def can_enter(self, kpi_id: int, unit_id: int) -> bool:
        return (
            self.is_admin
            or unit_id in self.editable
            or unit_id in self.enterable_units
            or kpi_id in self.enterable_kpis
        )

    def unit_or_404(self, code: str) -> Unit:
        """The unit for a viewer of it; to anyone else it does not exist."""
        unit = Unit.objects.filter(code=code).first()
        if unit is None or not self.can_view(unit.pk):
            raise Http404("No such unit")
        return unit

    def require_edit(self, unit_id: int) -> None:
        if not self.can_view(unit_id):
            raise Http404("No such unit")
        if not self.can_edit(unit_id):
            raise PermissionDenied("You may view this scorecard but not change it.")


def access_for(request: HttpRequest) -> Access:
    """The request's user's Access, worked out on first use and kept on the request.

    Views and the navigation's template tag share it, so that a page reads roles once.
    """
    cached: Access | None = getattr(request, "fourfold_access", None)
    if cached is None or cached.user is not request.user:
        cached = Access.of(request.user)
        request.fourfold_access = cached  # type: ignore[attr-defined]
    return cached
