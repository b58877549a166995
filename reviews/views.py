"""The reviewer's pages: the review form and declining an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
from .forms import DeclineForm, ReviewForm
from .models import Review


def _own_review(request, pk: int) -> Review:
    # Reviewers see only their own reviews; anyone else's id is simply not found.
    return get_object_or_404(
        Review.objects.filter(reviewer=request.user).select_related("case", "assigned_by"), pk=pk
    )


def _render(request, review: Review, *, form=None, decline_form=None, status=200):
    case = review.case
    return render(
        request,
        "reviews/review_form.html",
        {
            "review": review,
            "case": case,
            "form": form or ReviewForm(),
            "decline_form": decline_form or DeclineForm(),
            "case_changed": case.version != review.case_version,
            "case_open": case.status in services.REVIEWABLE_STATES,
            "machine_commentaries": [
                c for c in case.commentaries.select_related("verified_by") if c.is_machine_generated
            ],
        },
        status=status,
    )


@login_required
def review_detail(request, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    if request.method != "POST":
        return _render(request, review)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.submit_review(review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "Thank you: your review is sent to the editor.")
            return redirect("reviewer-dashboard")
    return _render(request, review, form=form, status=400)


@login_required
@require_POST
def decline(request, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_review(review, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You declined to review “{review.case.title}”.")
            return redirect("reviewer-dashboard")
    return _render(request, review, decline_form=form, status=400)
