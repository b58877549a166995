"""Forms of the editorial page that are not about reviews: a workflow action's note."""

from __future__ import annotations

from django import forms


class ActionForm(forms.Form):
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
