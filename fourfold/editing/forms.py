"""The forms of the editing pages: they read what was typed; the services judge it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from fourfold.accounts.models import Role
from fourfold.core import periods
from fourfold.files.spec import DIRECTIONS, FREQUENCIES, KINDS
from fourfold.measures.models import KPI, Aggregation, Direction, Frequency
from fourfold.strategy.models import Objective, Rollup
from fourfold.strategy.services import Aligned

from .checks import Invalid
from .targets import MODES

ROLLUP_HELP = "How its children's scores combine."
FORMULA_HELP = (
    "Only for a calculated KPI, whose values are computed, never entered; leave it empty "
    "otherwise. KPI codes, numbers, <code>+ - * /</code>, parentheses, "
    "<code>min max abs round if</code>, <code>prev(code)</code>, <code>ytd(code)</code>, "
    "e.g. <code>(revenue - cost) / revenue * 100</code>. Put spaces around <code>-</code> to "
    "subtract. <code>sum_children(orders)</code> adds up the KPI <code>&lt;child unit&gt;.orders"
    "</code> of each child unit."
)


def _choice(
    name: str, label: str, options: Iterable[tuple[str, str]], **kw: Any
) -> forms.ChoiceField:
    """A choice refused with the loader's words when something else is posted."""
    options = list(options)
    known = ", ".join(value for value, _ in options if value)
    return forms.ChoiceField(
        label=label,
        choices=options,
        error_messages={"invalid_choice": f"'{name}' must be one of {known}, not '%(value)s'"},
        **kw,
    )


def _number(name: str, label: str, **kw: Any) -> forms.FloatField:
    kw.setdefault("required", False)
    return forms.FloatField(
        label=label,
        error_messages={"invalid": f"'{name}' must be a number"},
        widget=forms.NumberInput(attrs={"step": "any"}),
        **kw,
    )


def _person(label: str, help_text: str) -> forms.CharField:
    # Text, not an email field: someone without an address is named by username, and the
    # service's own message explains a name it does not know.
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text + " Pick a name from the list, or type an email address or username.",
        widget=forms.TextInput(
            attrs={"list": "people", "autocomplete": "off", "autocapitalize": "none"}
        ),
    )


def _code(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Code",
        max_length=100,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )


def _description() -> forms.CharField:
    return forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def scheme_choices(names: Iterable[str], *, inherit: bool) -> list[tuple[str, str]]:
    first = [("", "— as its parent —")] if inherit else []
    return first + [(n, n) for n in sorted(names)]


def show_errors(form: forms.Form, exc: Invalid) -> None:
    """Put a refused change's messages next to their fields, the rest on top of the form."""
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def _effective_from() -> forms.CharField:
    return forms.CharField(
        label="Applies from",
        required=False,
        max_length=20,
        help_text="The period from which this change applies (2026-07, 2026-Q3, 2026): earlier "
        "periods keep being scored as before. Empty: every period, which restates the past.",
    )


class UnitForm(forms.Form):
    code = _code("Letters, digits, '-', '_' or '.'; unique in the organization.")
    name = forms.CharField(label="Name", max_length=200)
    parent = forms.ChoiceField(label="Parent unit")
    owner = _person("Owner", "The person accountable for this unit.")

    def __init__(self, *args: Any, parents: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "parent", parents)


class UnitEditForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    owner = _person("Owner", "The person accountable for this unit.")
    effective_from = _effective_from()


class _RolledUp(forms.Form):
    """How a perspective's or objective's children's scores combine; these fields come last."""

    weight = _number("weight", "Weight", initial=1, min_value=0)
    rollup = _choice(
        "rollup", "Roll-up", Rollup.choices, initial="weighted_mean", help_text=ROLLUP_HELP
    )
    scheme = forms.ChoiceField(label="Scoring scheme", required=False)

    def __init__(self, *args: Any, schemes: Iterable[str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "scheme", scheme_choices(schemes, inherit=True))


class PerspectiveForm(_RolledUp):
    code = _code("Unique within this unit's scorecard.")
    name = forms.CharField(label="Name", max_length=200)
    field_order = ["code", "name"]


class ObjectiveForm(_RolledUp):
    code = _code("Unique in the organization.")
    name = forms.CharField(label="Name", max_length=300)
    perspective = forms.ChoiceField(label="Perspective")
    description = _description()
    owner = _person("Owner", "The person accountable for this objective.")
    field_order = ["code", "name", "perspective", "description", "owner"]

    effective_from = _effective_from()

    def __init__(self, *args: Any, perspectives: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "perspective", perspectives)


class KPIForm(forms.Form):
    code = _code("Unique in the organization.")
    name = forms.CharField(label="Name", max_length=300)
    objective = forms.ChoiceField(label="Objective")
    description = _description()
    formula = forms.CharField(
        label="Formula",
        required=False,
        max_length=2000,
        help_text=FORMULA_HELP,
        widget=forms.TextInput(
            attrs={
                "class": "formula-input",
                "autocapitalize": "none",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    unit = forms.CharField(label="Unit of measure", required=False, max_length=50)
    direction = _choice(
        "direction",
        "Direction",
        [(d, Direction(d).label) for d in DIRECTIONS],
        initial="increase",
        help_text="Increase: higher is better (revenue). Decrease: lower is better (costs, "
        "defects). Range: best inside a band of targets (days of stock).",
    )
    frequency = _choice(
        "frequency",
        "Frequency",
        [(f, Frequency(f).label) for f in FREQUENCIES],
        initial="monthly",
        help_text="How often a value is entered: each month, quarter or year.",
    )
    aggregation = _choice(
        "aggregation",
        "Aggregation over time",
        [(a, Aggregation(a).label) for a in periods.AGGREGATIONS],
        initial="sum",
        help_text="How the months make a quarter and a year: sum (sales), average (a "
        "satisfaction score), last (headcount at the end), min or max.",
    )
    scheme = forms.ChoiceField(
        label="Scoring scheme",
        initial="default",
        help_text="How a value becomes a score and a status. default: red below the red flag, "
        "amber up to the target, green from the target on; the others are this "
        "organization's own.",
    )
    weight = _number(
        "weight",
        "Weight",
        initial=1,
        min_value=0,
        help_text="How much it counts in its objective's score, next to the weights of "
        "the objective's other KPIs (1 each unless set).",
    )
    kind = _choice(
        "kind",
        "Lead or lag",
        [("", "—"), *((k, KPI.Kind(k).label) for k in KINDS)],
        required=False,
        help_text="Lead: a driver that moves first (pipeline). Lag: an outcome that follows "
        "(revenue).",
    )
    owner = _person("Owner", "The person accountable for this KPI.")
    contributor = _person("Data contributor", "The person who enters its values.")
    grace_days = forms.IntegerField(
        label="Grace days",
        min_value=0,
        initial=15,
        help_text="Days after a period ends before its missing value counts as overdue.",
        error_messages={"invalid": "'grace_days' must be a whole number of days"},
    )
    tolerance = _number(
        "tolerance",
        "Tolerance",
        help_text="Range KPIs only: how far outside the band the score falls to 0 (in the "
        "KPI's unit). Empty: the band's width.",
    )
    effective_from = _effective_from()

    def __init__(
        self, *args: Any, objectives: list[tuple[str, str]], schemes: Iterable[str], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _choices(self, "objective", objectives)
        _choices(self, "scheme", scheme_choices(schemes, inherit=False))


class LinksForm(forms.Form):
    drives = forms.MultipleChoiceField(
        label="This objective drives",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The objectives of this unit that it causes on the strategy map.",
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "drives", candidates)


class AlignmentForm(forms.Form):
    aligned_to = forms.MultipleChoiceField(
        label="Serves",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Objectives of units above this one: as many as it serves.",
    )
    contributes = forms.MultipleChoiceField(
        label="Contributes to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Of those it serves, the ones its score rolls up into; the others it only "
        "supports.",
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.candidates = candidates
        _choices(self, "aligned_to", candidates)
        _choices(self, "contributes", candidates)
        for pk, label in candidates:
            self.fields[f"weight_{pk}"] = forms.FloatField(
                label=f"Weight in {label}",
                required=False,
                min_value=0,
                max_value=1e6,
                help_text="Empty: the objective's own weight.",
            )

    def entries(self) -> list[Aligned]:
        """The chosen alignments, in the order of the candidates."""
        data = self.cleaned_data
        chosen, contributing = set(data["aligned_to"]), set(data["contributes"])
        return [
            Aligned(int(pk), pk in contributing, data.get(f"weight_{pk}"))
            for pk, _ in self.candidates
            if pk in chosen
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        extra = set(data.get("contributes", [])) - set(data.get("aligned_to", []))
        if extra:
            self.add_error("contributes", "an objective contributes only to one that it serves")
        return data


def objective_choices(objectives: Iterable[Objective]) -> list[tuple[str, str]]:
    return [(str(o.pk), f"{o.name} ({o.code})") for o in objectives]


PHASE_LABELS = {
    "even": "Even",
    "seasonal": "Seasonal",
    "last_year": "As last year",
    "linear": "Linear",
}


class TargetForm(forms.Form):
    period = forms.CharField(label="Period", max_length=20)
    target = _number("target", "Target")
    red_flag = _number("red_flag", "Red flag", help_text="The value that is unacceptable.")
    stretch = _number("stretch", "Stretch")
    low = _number("low", "Low bound")
    high = _number("high", "High bound")
    baseline = _number("baseline", "Baseline")
    reason = forms.CharField(
        label="Reason", required=False, max_length=500, help_text="Needed when a target changes."
    )
    phase = _choice(
        "phase",
        "Phase",
        [("", "None"), *PHASE_LABELS.items()],
        required=False,
        help_text="Spreads a year or quarter: evenly, by the full years' shares (seasonal) or "
        "the last one's, or on a glide path from the baseline (linear).",
    )

    field_order = ["period", "phase", "target", "red_flag", "stretch", "low", "high", "baseline"]

    def __init__(self, *args: Any, kpi: KPI, **kw: Any) -> None:
        super().__init__(*args, **kw)
        drop = ("target", "red_flag", "stretch") if kpi.direction == "range" else ("low", "high")
        for name in drop:
            del self.fields[name]
        if kpi.frequency == "yearly" or self.prefix != "one":
            del self.fields["phase"]  # only a longer period than the KPI's own has parts
        elif kpi.direction == "range":
            _choices(self, "phase", [("", "None"), ("even", PHASE_LABELS["even"])])
        if kpi.scheme.type not in ("yes_no", "unscored"):
            # A scored KPI cannot be scored without these: say so before anything is sent.
            for name in ("low", "high") if kpi.direction == "range" else ("target",):
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = f"'{name}' is required"


MODE_LABELS = {
    "same": "The same value every period",
    "spread": "An annual total, spread evenly",
    "ramp": "A ramp from a first to a last value",
}


class YearTargetForm(TargetForm):
    period = None  # type: ignore[assignment]
    year = forms.CharField(label="Year", max_length=20)
    mode = _choice(
        "mode",
        "How",
        [(m, MODE_LABELS[m]) for m in MODES],
        initial="same",
        widget=forms.RadioSelect,
    )
    target_end = _number("target_end", "Last period's target", help_text="For a ramp.")

    field_order = ["year", "mode", "target", "target_end", "red_flag", "stretch", "low", "high"]

    def __init__(self, *args: Any, kpi: KPI, **kw: Any) -> None:
        super().__init__(*args, kpi=kpi, **kw)
        if "target" in self.fields:
            self.fields[
                "target"
            ].help_text = "Each period's target, the annual total, or the first period's, by how."
        if kpi.direction == "range":
            del self.fields["target_end"]
            _choices(self, "mode", [("same", MODE_LABELS["same"])])


class UserForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocapitalize": "none"})
    )
    email = forms.CharField(label="Email", required=False, widget=forms.EmailInput)
    first_name = forms.CharField(label="First name", required=False, max_length=150)
    last_name = forms.CharField(label="Last name", required=False, max_length=150)
    password = forms.CharField(
        label="Initial password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password, not all digits.",
    )


class NameForm(forms.Form):
    first_name = forms.CharField(label="First name", required=False, max_length=150)
    last_name = forms.CharField(label="Last name", required=False, max_length=150)
    email = forms.CharField(
        label="Email",
        required=False,
        widget=forms.EmailInput,
        help_text="Where reminders go; also how the scorecard file names this person.",
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


ROLE_CHOICES = [
    ("viewer", "Viewer: reads the scorecards of the unit and the units below"),
    ("contributor", "Data contributor: also enters the values of their KPIs"),
    ("editor", "Scorecard editor: also designs their scorecards and sets the targets"),
    ("admin", "Administrator: changes everything, people and roles included"),
]
WHOLE = "all"  # the unit choice that means the whole organization


class RoleForm(forms.Form):
    """Least privilege first: a viewer of a unit, unless the administrator picks more; the
    administrator role, which covers everything, asks to be confirmed."""

    kind = _choice("kind", "Role", ROLE_CHOICES, initial="viewer", widget=forms.RadioSelect)
    unit = forms.ChoiceField(
        label="Unit",
        required=False,
        help_text="A role on a unit covers every unit below it. An administrator's covers "
        "everything.",
    )
    confirm = forms.BooleanField(label="", required=False)

    def __init__(self, *args: Any, units: list[tuple[str, str]], person: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(
            self,
            "unit",
            [("", "— Choose a unit —"), (WHOLE, "The whole organization"), *units],
        )
        if self.data.get("kind") == Role.Kind.ADMIN:
            self.fields["confirm"].label = (
                f"Yes, make {person} an administrator: they may change every scorecard, "
                "every target and every person's roles"
            )
        else:
            del self.fields["confirm"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, unit = data.get("kind"), data.get("unit")
        if kind == Role.Kind.ADMIN:
            if unit not in ("", WHOLE):
                self.add_error(
                    "unit", "an administrator's role covers the whole organization: choose it"
                )
            elif not data.get("confirm"):
                self.add_error("confirm", "tick the box to confirm: this role covers everything")
            data["unit"] = ""
        elif kind and not unit:
            self.add_error("unit", "choose the unit this role is for")
        elif unit == WHOLE:
            data["unit"] = ""
        return data
