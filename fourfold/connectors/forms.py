"""The form to add or change a data source, with every rule named by its field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms

from . import credentials
from .models import Connector


class ConnectorForm(forms.ModelForm[Connector]):
    class Meta:
        model = Connector
        fields = ["name", "kind", "url", "query", "folder", "every", "minutes", "enabled"]
        widgets = {
            "query": forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
            "url": forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            "folder": forms.TextInput(attrs={"spellcheck": "false"}),
            "kind": forms.RadioSelect,
        }
        labels = {"enabled": "Run on its schedule"}

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if name == "new":
            raise forms.ValidationError("'new' is kept for the page that adds a data source.")
        return name

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        if url:
            try:
                credentials.check(url)
            except credentials.CredentialError as exc:
                raise forms.ValidationError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from exc
        return url

    def clean_minutes(self) -> int:
        minutes: int = self.cleaned_data["minutes"]
        if not 1 <= minutes <= 1440:
            raise forms.ValidationError("Give a number of minutes from 1 to 1440.")
        return minutes

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind = data.get("kind")
        if kind == Connector.Kind.SQL:
            if not data.get("url") and "url" not in self.errors:
                self.add_error("url", "An SQL data source needs the URL of its database.")
            if not (data.get("query") or "").strip():
                self.add_error("query", "An SQL data source needs a query.")
        elif kind == Connector.Kind.FOLDER:
            folder = (data.get("folder") or "").strip()
            if not folder:
                self.add_error("folder", "A folder data source needs the folder to watch.")
            elif not Path(folder).expanduser().is_absolute():
                self.add_error("folder", "Give the folder's full path, such as /srv/fourfold/in.")
            data["folder"] = folder
        return data
