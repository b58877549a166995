"""The editorial page of a case: its state, the actions open to you, reviews and the audit trail.

Every action is a POST to a small view that calls one service and comes back here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases import permissions, services
from cases.lookups import readable_case_or_404
from cases.models import Case, CaseEvent, Commentary
from cases.permissions import available_actions
from cases.workflow import DESTRUCTIVE, TRANSITIONS, Action, Actor

from . import services as review_services
from .forms import ActionForm, AnswerReviewForm, AssignReviewerForm
from .models import Review


def _editorial_case(request, pk: int) -> Case:
    case = readable_case_or_404(
        request.user,
        pk,
        queryset=Case.objects.select_related("created_by", "revision_of").prefetch_related(
            "studies__figures",
            "teaching_points",
            Prefetch("commentaries", queryset=Commentary.objects.select_related("verified_by")),
        ),
    )
    if not permissions.can_follow_workflow(request.user, case):
        raise Http404("No case found.")
    return case


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _render(request, case: Case, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    manages_reviews = permissions.can_manage_reviews(user, case)
    is_author = permissions.is_author_of(user, case)
    reviews = Review.objects.filter(case=case).select_related("reviewer", "assigned_by")
    if manages_reviews:
        shown_reviews = list(reviews)
    elif is_author:
        # Authors read completed reviews, never the confidential comments to the editor.
        shown_reviews = list(reviews.for_authors())
    else:
        shown_reviews = list(reviews.filter(reviewer=user))
    checklist = case.publication_checklist()
    reviewed = any(review.status == Review.Status.COMPLETED for review in shown_reviews)
    actions = []
    for transition in available_actions(user, case):
        actions.append(
            {
                "transition": transition,
                "destructive": transition.action in DESTRUCTIVE,
                # Accepting with no review asks to be confirmed, on the page and in the service.
                "needs_confirmation": transition.action == Action.ACCEPT and not reviewed,
                "blockers": [label for label, met in checklist if not met]
                if transition.action == Action.PUBLISH
                else [],
                "form": forms.get(f"form_{transition.action}") or ActionForm(),
            }
        )
    pending_revision = (
        case.pending_revisions.exclude(status__in=["rejected", "withdrawn"]).first()
        if case.is_published
        else None
    )
    events = list(CaseEvent.objects.filter(case=case).select_related("actor"))
    return render(
        request,
        "cases/editorial.html",
        {
            "case": case,
            "actions": actions,
            "checklist": checklist,
            "blocker_count": sum(1 for _, met in checklist if not met),
            "reviews": shown_reviews,
            "manages_reviews": manages_reviews,
            "is_author": is_author,
            "reviewed": reviewed,
            "assign_form": forms.get("assign_form") or AssignReviewerForm(case=case)
            if manages_reviews and case.status in review_services.REVIEWABLE_STATES
            else None,
            "answer_forms": forms.get("answer_forms", {}),
            "can_answer": is_author and case.status == Case.Status.CHANGES_REQUESTED,
            "can_edit": permissions.can_edit(user, case),
            "can_start_revision": permissions.can_start_revision(user, case),
            "pending_revision": pending_revision,
            "can_verify": permissions.can_verify_commentary(user, case),
            "machine_commentaries": [c for c in case.commentaries.all() if c.is_machine_generated],
            "events": events,
            "can_delete": permissions.can_delete_draft(user, case)
            and not any(event.action == Action.SUBMIT for event in events),
        },
        status=status,
    )


@login_required
def case_editorial(request, pk: int) -> HttpResponse:
    return _render(request, _editorial_case(request, pk))


@login_required
@require_POST
def case_action(request, pk: int, action: str) -> HttpResponse:
    case = _editorial_case(request, pk)
    if action not in TRANSITIONS or action == Action.START_REVIEW:
        raise Http404("No such action.")
    if TRANSITIONS[action].actor == Actor.MODERATOR:
        # Moderators act from the moderation queue, which keeps the moderation log and
        # resolves the reports; the editorial page must not be a way around it.
        raise Http404("No such action.")
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _render(request, case, status=400, **{f"form_{action}": form})
    try:
        case = services.take_action(
            case,
            action=action,
            by=request.user,
            note=form.cleaned_data["note"],
            without_review=form.cleaned_data["without_review"],
        )
    except PermissionDenied as error:
        messages.error(request, str(error) or "You cannot do this.")
        return _render(request, case, status=403)
    except ValidationError as error:
        # Keep the typed note with the error next to it; nothing was changed.
        for message in error.messages:
            form.add_error(None, message)
        messages.error(request, _error_text(error))
        return _render(request, case, status=400, **{f"form_{action}": form})
    messages.success(request, f"The case is {services.ACTION_PARTICIPLES[action]}.")
    return redirect("case-editorial", pk=case.pk)


@login_required
@require_POST
def assign_reviewer(request, pk: int) -> HttpResponse:
    case = _editorial_case(request, pk)
    if not permissions.can_manage_reviews(request.user, case):
        raise PermissionDenied("Only editors assign reviewers.")
    form = AssignReviewerForm(request.POST, case=case)
    if form.is_valid():
        try:
            review = review_services.assign_reviewer(
                case,
                by=request.user,
                reviewer=form.cleaned_data["reviewer"],
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{review.reviewer} is asked to review this case by {review.due_date:%d %B %Y}.",
            )
            return redirect("case-editorial", pk=case.pk)
    return _render(request, case, status=400, assign_form=form)


@login_required
@require_POST
def cancel_review(request, pk: int, review_pk: int) -> HttpResponse:
    case = _editorial_case(request, pk)
    review = get_object_or_404(Review, pk=review_pk, case=case)
    try:
        review_services.cancel_review(review, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"The review request to {review.reviewer} is cancelled.")
    return redirect("case-editorial", pk=case.pk)


@login_required
@require_POST
def answer_review(request, pk: int, review_pk: int) -> HttpResponse:
    case = _editorial_case(request, pk)
    review = get_object_or_404(Review, pk=review_pk, case=case)
    form = AnswerReviewForm(request.POST)
    if form.is_valid():
        try:
            review_services.answer_review(
                review, by=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Your answer is saved; the editor will read it with your resubmission."
            )
            return redirect("case-editorial", pk=case.pk)
    return _render(request, case, status=400, answer_forms={review.pk: form})


@login_required
@require_POST
def verify_commentary(request, pk: int, commentary_pk: int) -> HttpResponse:
    case = _editorial_case(request, pk)
    commentary = get_object_or_404(Commentary, pk=commentary_pk, case=case)
    try:
        services.verify_commentary(commentary, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"“{commentary}” is marked as verified by you.")
    return redirect("case-editorial", pk=case.pk)


@login_required
@require_POST
def delete_draft(request, pk: int) -> HttpResponse:
    case = _editorial_case(request, pk)
    title = case.title
    try:
        services.delete_draft(case, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("case-editorial", pk=pk)
    messages.success(request, f"The draft “{title}” is deleted.")
    return redirect("my-cases")
