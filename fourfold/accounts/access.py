"""The one access policy: what one user may see and do, worked out once per request.

Every question "may this person do this here" is a method of `Access`, asked by the pages,
the API, the command line and the intake service alike. The rules (the README's Roles table,
locked by `tests/accounts/test_matrix.py`):

- An administrator (a superuser, or a user with the administrator role) may do everything
  in Fourfold's pages and API, but for two things: whether a KPI's values need approval is
  its owner's choice, and the Django admin is for staff users only.
- A role applies to its unit and every unit below it (no unit: the whole organization).
- A viewer sees the unit's scorecard; an editor also designs it, sets its targets and sees
  its history; a contributor of a unit enters the values of its KPIs.
- Whoever sees a unit's scorecard sees its SMART check (`can_view`): the Check page, the KPI
  page's panel and `GET /api/v1/checks` hold only the findings of units one may view.
- The owner and the contributor of a KPI enter its values and see its unit.
- The owner of a KPI (and an administrator) approves the values others enter for it.
- Administrators manage people, roles and data sources; but only a superuser manages a
  person who may open the Django admin (a superuser or a staff user): their password,
  names, roles and whether they may sign in.
- Someone who may not see a unit is told it does not exist (404); someone who may see it but
  not do the thing is told why (403).
- The objective that an objective is aligned to (one of a unit above) is shown in full (code,
  name, unit, a link) to those who may see its unit; by its NAME alone to the editors of the
  aligned objective, for the alignment to make sense to whoever designs it (they pick it by
  that name in the alignment form, among the names of the objectives above); to anyone else
  not at all (`aligned_parent`).
- A read-only API token sees what its user sees and changes nothing.
- An initiative is seen by the viewers of its unit and by its owner; the unit's editors
  design it; its owner and the unit's editors enter its progress, milestones done and notes.
- Whoever sees a unit's scorecard makes its briefing book, which holds only what they may
  see (`can_report`); they may save book templates of it; a template is changed or deleted
  by whoever saved it and by the unit's editors (`can_change_book`).
- A unit's scorecard leaves Fourfold only by its editors' decision: they schedule its books
  (to people who may see the unit, each copy made for its reader) and make and revoke links
  that show its book or scorecard without signing in (`can_schedule_books`, `can_share`).
- A unit's reviews, their agendas, decisions and action items are seen by its viewers; the
  unit's editors (and a review's facilitator) run them: plan, change the agenda, write
  commentary, record decisions and actions, close. An action item is owned by someone who
  may see its unit; its owner (and whoever runs the unit's reviews) updates its status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from fourfold.core.hierarchy import Hierarchy
from fourfold.initiatives.models import Initiative, InitiativeQuerySet
from fourfold.measures.models import KPI
from fourfold.strategy.models import Unit

from .models import Role

Rows = TypeVar("Rows", bound=QuerySet[Any])


@dataclass(frozen=True)
class AlignedParent:
    """What one user is shown of the objective another objective is aligned to: its name;
    its code and unit (else None) only when they may see that unit."""

    name: str
    code: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None

    @property
    def label(self) -> str:
        """'Grow revenue (Northwind)', or 'Grow revenue' outside one's units."""
        return f"{self.name} ({self.unit_name})" if self.unit_name else self.name

    @property
    def choice(self) -> str:
        """An option of the alignment form: 'Northwind: Grow revenue (grow-revenue)'."""
        return f"{self.unit_name}: {self.name} ({self.code})" if self.code else self.name


@dataclass
class Access:
    """Unit ids a user can view and edit, and KPI ids they can enter values for."""

    user: Any
    is_admin: bool = False
    viewable: set[int] = field(default_factory=set)
    editable: set[int] = field(default_factory=set)
    enterable_kpis: set[int] = field(default_factory=set)
    enterable_units: set[int] = field(default_factory=set)
    # False for a read-only API token: it sees what its user sees and changes nothing.
    writes: bool = True

    @classmethod
    def of(cls, user: Any, *, writes: bool = True) -> Access:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user, writes=False)
        roles = list(Role.objects.filter(user=user).values_list("kind", "unit_id"))
        admin = user.is_superuser or any(k == Role.Kind.ADMIN for k, _ in roles)
        tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
        everything = set(tree.parents)
        if admin:
            return cls(user, True, everything, everything, set(), set(), writes)

        def subtree(unit: int | None) -> set[int]:
            return everything if unit is None else tree.subtree(unit)

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
        for kpi_id, unit_id in kpis.values_list("pk", KPI.UNIT_ID):
            enterable.add(kpi_id)
            viewable.add(unit_id)
        return cls(user, False, viewable, editable, enterable, contributing, writes)

    @classmethod
    def trusted(cls, user: Any = None) -> Access:
        """The command line's and the worker's: whoever runs them holds the database itself,
        so they may do everything; `user` is who the writes are recorded for."""
        return cls(user, True)

    # Units and their scorecards

    def can_view(self, unit_id: int) -> bool:
        return self.is_admin or unit_id in self.viewable

    def can_edit(self, unit_id: int) -> bool:
        """Design the unit's scorecard: perspectives, objectives, KPIs, links."""
        return self.writes and (self.is_admin or unit_id in self.editable)

    def can_cascade(self, child_id: int, parent_id: int) -> bool:
        """Make or update a unit's scorecard from its parent's: edit the child, see the parent."""
        return self.can_edit(child_id) and self.can_view(parent_id)

    # Values, targets and their approval

    def can_enter(self, kpi_id: int, unit_id: int) -> bool:
        return self.writes and (
            self.is_admin
            or unit_id in self.editable
            or unit_id in self.enterable_units
            or kpi_id in self.enterable_kpis
        )

    def can_set_targets(self, unit_id: int) -> bool:
        """Targets are part of the scorecard's design: its editors set them, not the owners
        who are measured against them."""
        return self.can_edit(unit_id)

    def can_approve(self, owner_id: int | None) -> bool:
        """Approve or reject the values others entered for a KPI with this owner."""
        return self.writes and (self.is_admin or (owner_id is not None and owner_id == self._id))

    def approvable(self) -> Q:
        """The pending values this user may decide on, as a filter of PendingValue."""
        if not self.writes:
            return Q(pk__in=[])
        return Q() if self.is_admin else Q(kpi__owner_id=self._id)

    def value_refusal(self, kpi_id: int, code: str, unit_id: int) -> str | None:
        """Why this user may not enter the KPI's values, in the words every channel uses."""
        if self.can_enter(kpi_id, unit_id):
            return None
        if not self.can_view(unit_id):
            return f"there is no KPI '{code}'"  # as for an outsider of any page
        if not self.writes:
            return "this token is read-only"
        return f"you may not enter values of KPI {code}"

    def target_refusal(self, code: str, unit_id: int) -> str | None:
        """Why this user may not set the KPI's targets, or None."""
        if self.can_set_targets(unit_id):
            return None
        if not self.can_view(unit_id):
            return f"there is no KPI '{code}'"
        if not self.writes:
            return "this token is read-only"
        return f"only an editor of its scorecard may set the targets of KPI {code}"

    # Initiatives: seen by the viewers of their unit and by their owner; designed (created,
    # changed, deleted, their milestones planned) by the unit's editors; their progress, the
    # milestones done and status notes entered by the unit's editors and by the initiative's
    # owner, who is accountable for it.

    def can_see_initiative(self, unit_id: int, owner_id: int | None) -> bool:
        return self.can_view(unit_id) or (owner_id is not None and owner_id == self._id)

    def can_edit_initiatives(self, unit_id: int) -> bool:
        return self.can_edit(unit_id)

    def can_enter_progress(self, unit_id: int, owner_id: int | None) -> bool:
        """Enter progress, mark milestones done, add status notes."""
        return self.can_edit(unit_id) or (
            self.writes and owner_id is not None and owner_id == self._id
        )

    def initiatives(self) -> InitiativeQuerySet:
        """The initiatives this user may see."""
        if self.is_admin:
            return Initiative.objects.all()
        mine = Q(owner_id=self._id) if self._id is not None else Q(pk__in=[])
        return Initiative.objects.filter(Q(unit_id__in=self.viewable) | mine)

    # Briefing books

    def can_report(self, unit_id: int) -> bool:
        """Make the unit's briefing book: it holds only what this user may see."""
        return self.can_view(unit_id)

    def can_save_book(self, unit_id: int) -> bool:
        """Save a book template of the unit, their own."""
        return self.writes and self.can_view(unit_id)

    def can_change_book(self, unit_id: int, owner_id: int | None) -> bool:
        """Change or delete a saved book template: whoever saved it, and the unit's editors."""
        if not self.can_save_book(unit_id):
            return False
        return self.can_edit(unit_id) or (owner_id is not None and owner_id == self._id)

    # Books sent on a schedule and links shared outside

    def can_schedule_books(self, unit_id: int) -> bool:
        """Schedule, change, test and remove the books sent of the unit, and read their log."""
        return self.can_edit(unit_id)

    def can_share(self, unit_id: int) -> bool:
        """Make and revoke the links that show the unit's book or scorecard to anyone."""
        return self.can_edit(unit_id)

    def can_see_sharing(self, unit_id: int) -> bool:
        """Read the unit's schedules, their log and its share links: those who may make them,
        with a read-only token too."""
        return self.is_admin or unit_id in self.editable

    @staticmethod
    def readers(unit_id: int) -> QuerySet[Any]:
        """The active people who may see the unit (`can_view`), as `of` works it out: the
        administrators, those with a role on it or a unit above (or on every unit), and the
        owners and contributors of its KPIs."""
        from django.contrib.auth import get_user_model

        tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
        above = [unit_id, *tree.ancestors(unit_id)]
        kpis = KPI.objects.filter(archived=False, **{KPI.UNIT_ID: unit_id})
        who = (
            Q(is_superuser=True)
            | Q(roles__kind=Role.Kind.ADMIN)
            | Q(roles__unit__isnull=True, roles__kind__isnull=False)
            | Q(roles__unit_id__in=above)
            | Q(pk__in=kpis.values("owner_id"))
            | Q(pk__in=kpis.values("contributor_id"))
        )
        return get_user_model().objects.filter(who, is_active=True).distinct()

    @staticmethod
    def editors(unit_id: int) -> list[Any]:
        """The active people who edit the unit through the role nearest to it: those with an
        editor's role on the unit, else on the closest unit above that has editors, else on
        every unit (administrators are not counted: they edit everything)."""
        from django.contrib.auth import get_user_model

        tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
        above = [unit_id, *reversed(tree.ancestors(unit_id))]  # the nearest first
        roles = Role.objects.filter(kind=Role.Kind.EDITOR, user__is_active=True)
        by_unit: dict[int | None, set[int]] = {}
        for user_id, unit in roles.filter(Q(unit_id__in=above) | Q(unit__isnull=True)).values_list(
            "user_id", "unit_id"
        ):
            by_unit.setdefault(unit, set()).add(user_id)
        nearest: list[int | None] = [*above, None]
        for place in nearest:
            if place in by_unit:
                people = get_user_model().objects.filter(pk__in=by_unit[place])
                return list(people.order_by("username"))
        return []

    # Reviews and their action items

    def can_run_review(self, unit_id: int, facilitator_id: int | None = None) -> bool:
        """Plan a review of the unit, change its agenda, write its commentary, decisions and
        actions, close it: the unit's editors, and the review's facilitator."""
        return self.can_edit(unit_id) or (
            self.writes and facilitator_id is not None and facilitator_id == self._id
        )

    def can_own_action(self, unit_id: int) -> bool:
        """Be the owner of an action item of the unit: one must see what it is about."""
        return self.user is not None and self.user.is_active and self.can_view(unit_id)

    def can_update_action(self, unit_id: int, owner_id: int | None) -> bool:
        """Mark an action item done (or cancelled, or open again): its owner, or whoever runs
        the unit's reviews."""
        return self.can_run_review(unit_id) or (
            self.writes and owner_id is not None and owner_id == self._id
        )

    def can_see_action(self, unit_id: int, owner_id: int | None) -> bool:
        return self.can_view(unit_id) or (owner_id is not None and owner_id == self._id)

    # The organization

    def can_manage(self) -> bool:
        """Open the Manage pages: design some scorecard, or manage people."""
        return self.writes and (self.is_admin or bool(self.editable))

    def can_manage_people(self) -> bool:
        return self.writes and self.is_admin

    def can_manage_person(self, person: Any) -> bool:
        """Change this person's account: password, names, email, roles, whether they may sign
        in. Someone who may open the Django admin is managed by a superuser only, so that an
        administrator by role cannot take over a superuser's account and with it the admin."""
        if not self.can_manage_people():
            return False
        return self.user.is_superuser or not (person.is_superuser or person.is_staff)

    def person_refusal(self, person: Any) -> str | None:
        """Why this user may not change the person's account, or None."""
        if self.can_manage_person(person):
            return None
        if not self.can_manage_people():
            return "Only administrators manage users and roles."
        return "Only a superuser may change the account of a superuser or a staff user."

    def can_manage_sources(self) -> bool:
        return self.writes and self.is_admin

    def can_see_history(self) -> bool:
        """The History page, limited to the units one may see; its audit log to admins."""
        return self.is_admin or bool(self.editable)

    def can_see_audit(self) -> bool:
        return self.is_admin

    # Alerts: anyone follows what they may see and hears only of that (asked again when each
    # message is made); administrators make the channels of units and read the delivery log;
    # a unit's editors route their alerts to its channels.

    def can_follow(self, unit_id: int, owner_id: int | None = None) -> bool:
        """Follow a KPI, objective or unit of this unit, or an initiative (with its owner)."""
        return self.writes and self.can_see_initiative(unit_id, owner_id)

    def can_hear(self, unit_id: int, owner_id: int | None = None) -> bool:
        """Be told of something of this unit (an initiative: with its owner)."""
        return self.can_see_initiative(unit_id, owner_id)

    def can_manage_alert_channels(self) -> bool:
        return self.writes and self.is_admin

    def can_use_channel(self, unit_id: int) -> bool:
        """Send one's alerts to a channel of this unit, which others read."""
        return self.can_edit(unit_id)

    def can_see_deliveries(self) -> bool:
        return self.is_admin

    # Revisions (fourfold.revisions)

    def can_see_revisions(self) -> bool:
        """The Revisions pages and `?as_of=`: anyone with a scorecard to view, each seeing
        the parts of a diff in the units they may see."""
        return self.is_admin or bool(self.viewable)

    def can_see_definition_changes(self) -> bool:
        """Every version of the definition, who made it and why: the administrators'."""
        return self.is_admin

    def can_verify_audit(self) -> bool:
        return self.is_admin

    def revision_units(self) -> set[str] | None:
        """The unit codes whose changes a diff shows this user; None: every unit."""
        if self.is_admin:
            return None
        return set(self.units().values_list("code", flat=True))

    # Rows one may see

    def visible(self, queryset: Rows, unit_field: str) -> Rows:
        """The rows of a queryset whose unit (at `unit_field`) this user may see."""
        if self.is_admin:
            return queryset
        return queryset.filter(**{f"{unit_field}__in": self.viewable})

    def units(self) -> QuerySet[Unit]:
        return self.visible(Unit.objects.all(), "pk")

    def kpis(self) -> QuerySet[KPI]:
        return self.visible(KPI.objects.all(), KPI.UNIT_ID)

    def objectives(self) -> QuerySet[Model]:
        from fourfold.strategy.models import Objective

        return self.visible(Objective.objects.all(), "perspective__scorecard__unit_id")

    def aligned_parent(
        self, name: str, code: str, unit_id: int, unit_code: str, unit_name: str, *, below: int
    ) -> AlignedParent | None:
        """What this user is shown (the module's rule) of an objective `name` (`code`) of unit
        `unit_id`, to which an objective of unit `below` is or may be aligned: all of it, its
        name alone, or nothing (None)."""
        if self.can_view(unit_id):
            return AlignedParent(name, code, unit_code, unit_name)
        if self.can_edit(below):
            return AlignedParent(name)
        return None

    def aligned_to(self, objective: Any, below: int | None = None) -> AlignedParent | None:
        """`aligned_parent` of an objective (of unit `below`, else read from its perspective)
        read with its aligned_to's perspective, scorecard and unit; None when it is aligned to
        none."""
        above = objective.aligned_to
        if above is None:
            return None
        unit = above.perspective.scorecard.unit
        if below is None:
            below = objective.perspective.scorecard.unit_id
        return self.aligned_parent(
            above.name, above.code, unit.pk, unit.code, unit.name, below=below
        )

    # Answers for the pages

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

    def require(self, allowed: bool, reason: str) -> None:
        """Go on when `allowed`; else a 403 with the reason to someone with a role here, and
        to a stranger a 404, as if the page did not exist."""
        if allowed:
            return
        if self.is_admin or self.viewable:
            raise PermissionDenied(reason)
        raise Http404("No such page")

    @property
    def _id(self) -> int | None:
        return self.user.pk if self.user is not None and self.user.is_authenticated else None


def access_for(request: HttpRequest) -> Access:
    """The request's user's Access, worked out on first use and kept on the request.

    Pages, the navigation's template tags and the API (whose token sets `request.user` and
    `request.fourfold_writes`) share it, so that a request reads roles once.
    """
    cached: Access | None = getattr(request, "fourfold_access", None)
    if cached is None or cached.user is not request.user:
        writes = getattr(request, "fourfold_writes", True)
        cached = Access.of(request.user, writes=writes)
        request.fourfold_access = cached  # type: ignore[attr-defined]
    return cached
