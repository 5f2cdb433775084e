"""The forms of the alerts' pages: what a subscription hears about, and a new channel."""

from __future__ import annotations

from typing import Any

from django import forms

from fourfold.core import alerting

from .models import Channel, Subscription

FOR_KIND = {
    "kpi": alerting.CONDITIONS,
    "objective": ("red", "worse", "action_due", "action_late", "comment"),
    "initiative": ("initiative_behind", "comment"),
    "unit": (
        "red",
        "worse",
        "unlikely",
        "overdue",
        "action_due",
        "action_late",
        "initiative_behind",
        "comment",
    ),
}


class SubscriptionForm(forms.Form):
    conditions = forms.MultipleChoiceField(
        choices=[(c, alerting.CONDITION_NAMES[c].capitalize()) for c in alerting.CONDITIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    periods = forms.IntegerField(
        min_value=1,
        max_value=alerting.MAX_PERIODS,
        initial=1,
        label="Periods in a row",
        help_text="Tell me only when it holds this many periods running.",
    )
    above = forms.FloatField(required=False, label="Above")
    below = forms.FloatField(required=False, label="Below")
    probability = forms.FloatField(
        min_value=1,
        max_value=99,
        initial=30,
        label="Probability below (%)",
    )
    frequency = forms.ChoiceField(choices=Subscription.Frequency.choices, label="How often")
    channel = forms.ChoiceField(required=False, label="Where")

    def __init__(
        self, *args: Any, sub: Subscription, channels: list[Channel], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sub = sub
        allowed = FOR_KIND[sub.kind]
        field = self.fields["conditions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(c, alerting.CONDITION_NAMES[c].capitalize()) for c in allowed]
        where = self.fields["channel"]
        assert isinstance(where, forms.ChoiceField)
        where.choices = [("", "Email to me")] + [
            (str(c.pk), f"{c.name} ({c.get_kind_display()})") for c in channels
        ]
        if sub.kind != "kpi":
            del self.fields["above"], self.fields["below"]
        prefix_initial = {
            "conditions": sub.conditions,
            "periods": sub.periods,
            "above": sub.above,
            "below": sub.below,
            "probability": round(sub.probability * 100),
            "frequency": sub.frequency,
            "channel": str(sub.channel_id or ""),
        }
        for name, value in prefix_initial.items():
            if name in self.fields:
                self.initial[name] = value

    def fields_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["probability"] = data["probability"] / 100.0
        data["channel"] = data.get("channel") or None
        return data


class ChannelForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=Channel.Kind.choices, label="Kind")
    unit = forms.ChoiceField(label="For the unit")
    url = forms.CharField(
        widget=forms.URLInput,
        max_length=1000,
        label="Webhook URL",
        help_text="The URL Slack or Teams gave for the channel, or your receiver's.",
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(pk), name) for pk, name in units]
