from __future__ import annotations

from django import forms

from accounts.models import Role, User
from cases import permissions
from cases.models import Case

from .models import Review
from .services import default_due_date


class ActionForm(forms.Form):
    """A workflow action's note, on the editorial page."""

    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    # Accepting a case that no reviewer has reviewed needs this ticked (see `accept_case`).
    without_review = forms.BooleanField(required=False)


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


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a reviewer",
        error_messages={"invalid_choice": "Choose one of the reviewers listed."},
    )
    due_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The reviewer is reminded two days before.",
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        kwargs.setdefault("initial", {"due_date": default_due_date()})
        super().__init__(*args, **kwargs)
        self.case = case
        asked = Review.objects.filter(
            case=case, case_version=case.version, status__in=["assigned", "completed"]
        ).values("reviewer")
        self.fields["reviewer"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.REVIEWER)
            .exclude(pk__in=asked)
            .exclude(pk=case.created_by_id)
            .exclude(authorships__case=case)
            .distinct()
            .order_by("display_name", "username")
        )

    def clean_reviewer(self) -> User:
        reviewer = self.cleaned_data["reviewer"]
        if not permissions.can_be_reviewer_of(reviewer, self.case):
            raise forms.ValidationError("This person cannot review this case.")
        return reviewer


class AnswerReviewForm(forms.Form):
    response = forms.CharField(
        label="Your answer to the reviewer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
