"""The one form of moderation: the reason every action needs, and the queue's filter."""

from __future__ import annotations

from django import forms

from .moderation import QUEUE_KINDS, REASON_MAX_LENGTH, REASON_REQUIRED


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
        help_text="Kept in the moderation log. Reporters are told the outcome, not the reason.",
    )


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=list(QUEUE_KINDS.items()), required=False)

    def kind_or_all(self) -> str:
        if self.is_valid():
            return self.cleaned_data["kind"] or "all"
        return "all"
