from __future__ import annotations

from django import forms

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, such as “Finance data pipeline”.",
        error_messages={"required": "Give the token a name, so that you know what it is for."},
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text="A read-only token can read everything you can see, and change nothing.",
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if "\x00" in name:
            raise forms.ValidationError("The name cannot contain a NUL character.")
        return name
