"""The Design pages: a unit's scorecard laid out for its editors, and the forms that change it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core import scoring
from fourfold.measures.models import KPI, Scheme
from fourfold.strategy import services as alignment
from fourfold.strategy.models import Objective, Perspective, Unit

from . import forms, services
from .checks import Invalid
from .design import Tree, build, people, reference

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
MODELS: dict[str, Any] = {"perspectives": Perspective, "objectives": Objective, "kpis": KPI}
Save = Callable[[Mapping[str, Any]], Any]


def editable_unit(request: HttpRequest, code: str) -> Unit:
    """The unit, for its editors; outsiders get 404 and its viewers 403."""
    access = access_for(request)
    unit = access.unit_or_404(code)
    access.require_edit(unit.pk)
    return unit


def _item(model: Any, unit: Unit, pk: int, *related: str) -> Any:
    """A perspective, objective or KPI of this unit, read with the rows up to its unit and
    the `related` ones its form shows."""
    path = services.UNIT_PATH[model]
    item = model.objects.filter(pk=pk, **{path: unit}).select_related(path, *related).first()
    if item is None:
        raise Http404("No such item in this unit")
    return item


def scheme_names() -> list[str]:
    return sorted(set(Scheme.objects.values_list("name", flat=True)) | set(scoring.BUILTIN))


def design_url(unit: Unit, anchor: str = "") -> str:
    url = reverse("editing:design", args=[unit.code])
    return f"{url}#{anchor}" if anchor else url


def _form_page(
    request: HttpRequest, unit: Unit, form: django_forms.Form, title: str, **extra: Any
) -> HttpResponse:
    named = [f for f in ("owner", "contributor") if f in form.fields]
    suggested = people() if named else []
    by_reference = {value: name for value, _, name in suggested}
    for name in named:
        # The field holds an address or a username: say whose it is, in words.
        bound = form[name]
        value = str(bound.value() or "")
        if value in by_reference:
            bound.help_text = f"{bound.help_text} Now: {escape(by_reference[value])}."
    context = {
        "unit": unit,
        "form": form,
        "title": title,
        "back": extra.pop("back", design_url(unit)),
        "submit": extra.pop("submit", "Save"),
        "people": suggested,
        **extra,
    }
    return render(request, "editing/form.html", context, status=400 if form.errors else 200)


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _submit(
    request: HttpRequest,
    unit: Unit,
    form: django_forms.Form,
    save: Save,
    done: Callable[[Any], tuple[str, str]],
    title: str,
    **extra: Any,
) -> HttpResponse:
    """The form page; a valid form goes to the service `save`, then to the page that `done`
    names with its message. The service's problems show on the form's fields."""
    if form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            message, url = done(saved)
            messages.success(request, message)
            return redirect(url)
    return _form_page(request, unit, form, title, **extra)


def _item_form(
    request: HttpRequest,
    unit: Unit,
    item: Any,
    form: django_forms.Form,
    label: str,
    create: Callable[[Any, Unit, Mapping[str, Any]], Any],
    update: Callable[[Any, Any, Mapping[str, Any]], Any],
    **extra: Any,
) -> HttpResponse:
    """Add a perspective, objective or KPI (`item` None) or edit one: `label` names its kind."""

    def save(data: Mapping[str, Any]) -> Any:
        if item is None:
            return create(request.user, unit, data)
        update(request.user, item, data)
        return item

    def done(saved: Any) -> tuple[str, str]:
        message = f"{label[0].upper()}{label[1:]} {saved.name} saved."
        return message, design_url(unit, _anchor(saved))

    if item is not None:
        title = f"Edit {label} {item.name}"
    else:
        title = f"Add {'an' if label[0] in 'aeiou' else 'a'} {label} to {unit.name}"
    return _submit(request, unit, form, save, done, title, **extra)


@require_safe
@login_required
def design(request: HttpRequest, code: str) -> HttpResponse:
    return render_design(request, editable_unit(request, code))


def render_design(request: HttpRequest, unit: Unit, error: str = "") -> HttpResponse:
    """The whole page, or for htmx only the design itself, after a move or an archive."""
    page = build(unit, Tree.load())
    access: Access = request.fourfold_access  # type: ignore[attr-defined]
    # Units above that this editor may not change are not shown at all: they may be hidden.
    ancestors = [a for a in page.ancestors if access.can_edit(a["pk"])]
    for perspective in page.perspectives:
        for objective in perspective.shown_objectives:  # type: ignore[attr-defined]
            objective.serves_names = [
                f"{shown.label}{', contributes' if contributes else ''}"
                for *above, contributes in objective.serves_above
                if (shown := access.aligned_parent(*above, below=unit.pk)) is not None
            ]
    htmx = getattr(request, "htmx", False)
    template = "editing/_design.html" if htmx else "editing/design.html"
    context = {"page": page, "unit": unit, "error": error, "ancestors": ancestors}
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# -- units ----------------------------------------------------------------------------------


@GET_POST
@login_required
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = editable_unit(request, code)
    owner = reference(unit.owner)
    form = forms.UnitEditForm(_post(request), initial={"name": unit.name, "owner": owner})
    return _submit(
        request,
        unit,
        form,
        lambda data: services.update_unit(request.user, unit, data),
        lambda saved: (f"Unit {saved.name} saved.", design_url(saved)),
        f"Edit unit {unit.name}",
    )


@GET_POST
@login_required
def unit_new(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request)
    unit = access.unit_or_404(code)
    access.require_edit(unit.pk)
    tree = Tree.load()
    editable = set(tree.rows) if access.is_admin else access.editable
    form = forms.UnitForm(
        _post(request), initial={"parent": unit.code}, parents=tree.choices(editable)
    )

    def save(data: Mapping[str, Any]) -> Unit:
        parent = Unit.objects.get(code=data["parent"])
        access.require_edit(parent.pk)
        return services.create_unit(request.user, parent, data)

    def done(child: Unit) -> tuple[str, str]:
        assert child.parent is not None
        return f"Unit {child.name} added below {child.parent.name}.", design_url(child)

    title = f"Add a unit below {unit.name}"
    return _submit(request, unit, form, save, done, title, submit="Add unit")


# -- perspectives, objectives, KPIs -----------------------------------------------------------


def _perspective_initial(p: Perspective) -> dict[str, Any]:
    scheme = p.scheme.name if p.scheme else ""
    return {
        "code": p.code,
        "name": p.name,
        "weight": p.weight,
        "rollup": p.rollup,
        "scheme": scheme,
    }


@GET_POST
@login_required
def perspective_form(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    unit = editable_unit(request, code)
    item = _item(Perspective, unit, pk) if pk is not None else None
    initial = _perspective_initial(item) if item else {}
    form = forms.PerspectiveForm(_post(request), initial=initial, schemes=scheme_names())
    return _item_form(
        request,
        unit,
        item,
        form,
        "perspective",
        services.create_perspective,
        services.update_perspective,
    )


@require_POST
@login_required
def perspectives_classic(request: HttpRequest, code: str) -> HttpResponse:
    """Start an empty scorecard with the four classic perspectives, in one click."""
    unit = editable_unit(request, code)
    error = ""
    try:
        added = services.add_classic_perspectives(request.user, unit)
    except Invalid as exc:
        error = str(exc)
    else:
        names = ", ".join(p.name for p in added)
        messages.success(request, f"Perspectives added: {names}. Now add their objectives.")
    if getattr(request, "htmx", False):
        return render_design(request, unit, error)
    if error:
        messages.error(request, error[0].upper() + error[1:] + ".")
    return redirect(design_url(unit))


def _unit_objectives(unit: Unit) -> list[Objective]:
    return list(
        Objective.objects.filter(perspective__scorecard__unit=unit, archived=False)
        .filter(perspective__archived=False)
        .order_by("perspective__order", "perspective_id", "order", "pk")
    )


@GET_POST
@login_required
def objective_form(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    unit = editable_unit(request, code)
    item = _item(Objective, unit, pk) if pk is not None else None
    perspectives = Perspective.objects.filter(scorecard__unit=unit, archived=False)
    choices = [(str(p.pk), p.name) for p in perspectives.order_by("order", "pk")]
    if item is not None:
        initial: dict[str, Any] = {
            "code": item.code,
            "name": item.name,
            "perspective": str(item.perspective_id),
            "description": item.description,
            "owner": reference(item.owner),
            "weight": item.weight,
            "rollup": item.rollup,
            "scheme": item.scheme.name if item.scheme else "",
        }
    else:
        initial = {"perspective": request.GET.get("perspective", "")}
    form = forms.ObjectiveForm(
        _post(request), initial=initial, perspectives=choices, schemes=scheme_names()
    )
    return _item_form(
        request,
        unit,
        item,
        form,
        "objective",
        services.create_objective,
        services.update_objective,
    )


def kpi_initial(kpi: KPI) -> dict[str, Any]:
    fields = (
        "code",
        "name",
        "description",
        "unit",
        "direction",
        "frequency",
        "aggregation",
        "formula",
    )
    initial: dict[str, Any] = {f: getattr(kpi, f) for f in fields}
    initial.update(
        objective=str(kpi.objective_id),
        scheme=kpi.scheme.name,
        weight=kpi.weight,
        kind=kpi.kind,
        owner=reference(kpi.owner),
        contributor=reference(kpi.contributor),
        grace_days=kpi.grace_days,
        tolerance=kpi.tolerance,
    )
    return initial


@GET_POST
@login_required
def kpi_form(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    unit = editable_unit(request, code)
    item = None
    if pk is not None:
        item = _item(KPI, unit, pk, "scheme", "owner", "contributor")
        initial = kpi_initial(item)
    else:
        initial = {"objective": request.GET.get("objective", "")}
    choices = forms.objective_choices(_unit_objectives(unit))
    form = forms.KPIForm(
        _post(request), initial=initial, objectives=choices, schemes=scheme_names()
    )
    extra = {"targets_url": reverse("editing:targets", args=[unit.code, item.pk])} if item else {}
    return _item_form(
        request, unit, item, form, "KPI", services.create_kpi, services.update_kpi, **extra
    )


@GET_POST
@login_required
def objective_links(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = editable_unit(request, code)
    item = _item(Objective, unit, pk)
    candidates = forms.objective_choices(o for o in _unit_objectives(unit) if o.pk != item.pk)
    current = [str(pk) for pk in item.drives_links.values_list("effect_id", flat=True)]
    form = forms.LinksForm(_post(request), initial={"drives": current}, candidates=candidates)
    return _submit(
        request,
        unit,
        form,
        lambda data: services.set_links(request.user, item, [int(v) for v in data["drives"]]),
        lambda saved: (f"The links of {saved.name} are saved.", design_url(unit, _anchor(saved))),
        f"What {item.name} drives",
    )


@GET_POST
@login_required
def objective_alignment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = editable_unit(request, code)
    item = _item(Objective, unit, pk)
    tree = Tree.load()
    above = [a["pk"] for a in tree.ancestors(unit.pk)]
    objectives = (
        Objective.objects.filter(perspective__scorecard__unit_id__in=above, archived=False)
        .select_related("perspective__scorecard__unit")
        .order_by("perspective__scorecard__unit__code", "order", "pk")
    )
    access = access_for(request)
    shown = [
        (
            str(o.pk),
            access.aligned_parent(
                o.name,
                o.code,
                o.perspective.scorecard.unit_id,
                o.perspective.scorecard.unit.code,
                o.perspective.scorecard.unit.name,
                below=unit.pk,
            ),
        )
        for o in objectives
    ]
    candidates = [(pk, found.choice) for pk, found in shown if found is not None]
    current = list(item.serves.all())
    initial: dict[str, Any] = {
        "aligned_to": [str(a.parent_id) for a in current],
        "contributes": [str(a.parent_id) for a in current if a.contributes],
        **{f"weight_{a.parent_id}": a.weight for a in current},
    }
    form = forms.AlignmentForm(_post(request), initial=initial, candidates=candidates)

    def save(data: Mapping[str, Any]) -> Objective:
        return alignment.set_alignments(request.user, item, form.entries())

    return _submit(
        request,
        unit,
        form,
        save,
        lambda saved: (
            f"The alignment of {saved.name} is saved.",
            design_url(unit, _anchor(saved)),
        ),
        f"Align {item.name}",
    )


# -- order and archive ----------------------------------------------------------------------


def _anchor(item: Any) -> str:
    return f"{type(item).__name__.lower()}-{item.pk}"


def _kind_item(request: HttpRequest, code: str, kind: str, pk: int) -> tuple[Unit, Any]:
    """The unit, for its editors, and its perspective, objective or KPI named in the URL."""
    unit = editable_unit(request, code)
    if kind not in MODELS:
        raise Http404("No such kind of item")
    return unit, _item(MODELS[kind], unit, pk)


@require_POST
@login_required
def move(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    unit, item = _kind_item(request, code, kind, pk)
    step = -1 if request.POST.get("step") == "up" else 1
    services.move(request.user, item, step)
    if getattr(request, "htmx", False):
        return render_design(request, unit)
    return redirect(design_url(unit, _anchor(item)))


@require_POST
@login_required
def archive(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    unit, item = _kind_item(request, code, kind, pk)
    archived = request.POST.get("archived") != "0"
    error = ""
    try:
        services.set_archived(request.user, item, archived)
    except Invalid as exc:
        error = str(exc)
    if getattr(request, "htmx", False):
        return render_design(request, unit, error)
    if error:
        messages.error(request, error[0].upper() + error[1:] + ".")
    else:
        verb = "archived" if archived else "restored"
        messages.success(request, f"{item.name} {verb}.")
    return redirect(design_url(unit, "" if archived else _anchor(item)))
