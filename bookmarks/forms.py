"""The forms of the collection pages. The services check the same rules again for the API."""

from __future__ import annotations

from django import forms

from .models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Collection


class CollectionForm(forms.ModelForm):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. What the collection is for; Markdown is allowed.",
    )
    visibility = forms.ChoiceField(
        choices=Collection.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Collection.Visibility.PRIVATE,
        help_text="A shared link shows the collection to anyone who has it; public collections "
        "are also listed for everyone. Each reader sees only the cases they may read.",
    )

    class Meta:
        model = Collection
        fields = ["title", "description", "visibility"]


class ItemNoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this case is here, for the reader. Markdown is allowed.",
    )


class AddToCollectionForm(forms.Form):
    collection = forms.ModelChoiceField(
        queryset=Collection.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your collections."},
    )
    note = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why this case is here. Markdown is allowed.",
    )

    def __init__(self, *args, owner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = Collection.objects.owned_by(owner)


class MoveItemForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", "Up"), ("down", "Down"), ("first", "First"), ("last", "Last")]
    )
