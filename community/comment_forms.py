"""The forms of the comment and report pages. The rules themselves live in the services."""

from __future__ import annotations

from django import forms

from .comments import BODY_MAX_LENGTH, NOTE_MAX_LENGTH
from .models import Flag

MARKDOWN_HELP = (
    f"Markdown works: *italic*, **bold**, lists, links. Up to {BODY_MAX_LENGTH:,} characters."
)


def _body_field(label: str) -> forms.CharField:
    # No max_length here: the service says how long the text is and how long it may be,
    # and the browser's maxlength would cut a pasted text without a word.
    return forms.CharField(
        label=label,
        help_text=MARKDOWN_HELP,
        strip=False,
        error_messages={"required": "Write something before posting."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CommentForm(forms.Form):
    body = _body_field("Your comment")
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )


class CommentEditForm(forms.Form):
    body = _body_field("Comment")
    version = forms.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, widget=forms.HiddenInput
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this?",
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are reporting this."},
    )
    note = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
