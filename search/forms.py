"""Forms of the saved-search pages. The services check and save; these only read the input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .models import SavedSearch
from .querystrings import MAX_QUERY_LENGTH


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        max_length=SavedSearch._meta.get_field("name").max_length,
        help_text="For you to find it again, e.g. “Paediatric elbow fractures”.",
    )
    digest = forms.ChoiceField(
        label="E-mail me new cases",
        choices=SavedSearch.Digest.choices,
        initial=SavedSearch.Digest.NONE,
        required=False,
        help_text="A list of the newly published cases that match, if there are any.",
    )

    def clean_digest(self) -> str:
        return self.cleaned_data["digest"] or SavedSearch.Digest.NONE


class NewSavedSearchForm(SavedSearchForm):
    query = forms.CharField(max_length=MAX_QUERY_LENGTH, required=False, widget=forms.HiddenInput)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "query" else None, messages)
    else:
        form.add_error(None, error.messages)
