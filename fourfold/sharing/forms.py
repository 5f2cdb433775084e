"""The forms of the schedules and share links pages."""

from __future__ import annotations

from typing import Any

from django import forms

from fourfold.accounts.access import Access
from fourfold.accounts.names import name

from .links import DEFAULT_DAYS, MAX_DAYS
from .models import FORMATS, BookSchedule


class Recipients(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{name(obj)} <{obj.email}>" if obj.email else f"{name(obj)} (no email address)"


class ScheduleForm(forms.ModelForm[BookSchedule]):
    """A schedule of one of the unit's book templates; recipients among the unit's readers."""

    recipients = Recipients(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each gets a copy made with what they may see. Only people who may see the "
        "unit are listed.",
    )

    class Meta:
        model = BookSchedule
        fields = ["template", "fmt", "when", "cron", "timezone", "every", "subject", "enabled"]
        widgets = {"when": forms.RadioSelect}

    def __init__(self, *args: Any, unit: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        assert isinstance(template, forms.ModelChoiceField)
        template.queryset, template.empty_label = templates, None
        recipients = self.fields["recipients"]
        assert isinstance(recipients, Recipients)
        recipients.queryset = Access.readers(unit.pk).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["cron"].widget.attrs["placeholder"] = "0 7 1 * *"
        if self.instance.pk is not None:
            self.initial["recipients"] = list(self.instance.recipients.values_list("pk", flat=True))


class ShareForm(forms.Form):
    """A new share link: the unit's scorecard, or one of its books."""

    what = forms.ChoiceField(label="Share", initial="scorecard")
    fmt = forms.ChoiceField(label="Book format", choices=FORMATS, initial="pdf")
    days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    note = forms.CharField(label="For whom (a note for you)", max_length=200, required=False)

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {str(t.pk): t for t in templates}
        choices = [("scorecard", "The scorecard (read-only page, as it is when opened)")]
        choices += [(pk, f"The book {t}") for pk, t in self.templates.items()]
        what = self.fields["what"]
        assert isinstance(what, forms.ChoiceField)
        what.choices = choices
