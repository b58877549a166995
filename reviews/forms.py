from __future__ import annotations

from django import forms

from .models import Review


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        choices=Review.Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a recommendation."},
    )
    comments_to_authors = forms.CharField(
        label="Comments to the authors",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text="The authors read these, without your name.",
        error_messages={"required": "Write your comments to the authors."},
    )
    confidential_comments = forms.CharField(
        label="Confidential comments to the editor",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        required=False,
        help_text="Only editors read these.",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
