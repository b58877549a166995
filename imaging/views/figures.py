"""Pages about one figure: deciding on an image held in quarantine, drawing annotations."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases import permissions
from cases.media_urls import figure_image_url
from cases.models import Case, Figure
from cases.services import StaleEdit

from ..annotations import save_annotations
from ..quarantine import attest_clean, redact_figure
from ..viewer import viewer_data


def figure_status(figure: Figure, user) -> dict:
    """How a figure's processing stands, for the upload progress list (and its polling)."""
    thumbnail = figure_image_url(figure, "thumb", user) if figure.thumbnail else None
    return {
        "id": figure.pk,
        "label": figure.label,
        "status": figure.status,
        "status_display": figure.get_status_display(),
        "thumbnail_url": thumbnail or "",
        "processing_error": figure.processing_error,
        "status_url": reverse("figure-status", args=[figure.pk]),
        "review_url": reverse("figure-review", args=[figure.pk]) if figure.is_quarantined else "",
    }


def _figure_of_visible_case(request, pk: int) -> Figure:
    return get_object_or_404(
        Figure.objects.select_related("study__case").prefetch_related("frames", "decisions"),
        pk=pk,
        study__case__in=Case.objects.visible_to(request.user),
    )


def _reviewable(request, pk: int) -> Figure:
    figure = _figure_of_visible_case(request, pk)
    if not permissions.can_review_quarantine(request.user, figure.study.case):
        raise Http404("No such image.")
    return figure


def _render_review(request, figure: Figure, *, error: str = "", status: int = 200):
    return render(
        request,
        "cases/figure_review.html",
        {
            "figure": figure,
            "case": figure.study.case,
            "figure_data": viewer_data(figure, request.user, case=figure.study.case),
            "redact_url": reverse("figure-redact", args=[figure.pk]),
            "decisions": list(figure.decisions.select_related("decided_by")),
            "error": error,
        },
        status=status,
    )


@login_required
def figure_review(request, pk: int) -> HttpResponse:
    """An image held for possible burned-in text: attest it is clean, or black out regions."""
    return _render_review(request, _reviewable(request, pk))


@login_required
@require_POST
def figure_attest(request, pk: int) -> HttpResponse:
    figure = _reviewable(request, pk)
    if request.POST.get("checked") != "yes":
        return _render_review(
            request,
            figure,
            error="Tick the box to confirm you checked every part of the image.",
            status=400,
        )
    try:
        attest_clean(figure, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        return _render_review(request, figure, error=" ".join(error.messages), status=400)
    messages.success(request, f"{figure} is released to readers: you attested it is clean.")
    return redirect(reverse("case-edit-part", args=[figure.study.case_id, "studies"]))


@login_required
@require_POST
def figure_redact(request, pk: int) -> HttpResponse:
    figure = _reviewable(request, pk)
    try:
        regions = json.loads(request.POST.get("regions") or "[]")
        redact_figure(figure, by=request.user, regions=regions)
    except json.JSONDecodeError:
        return _render_review(request, figure, error="The regions could not be read.", status=400)
    except ValidationError as error:
        return _render_review(request, figure, error=" ".join(error.messages), status=400)
    messages.success(request, f"The regions are blacked out and {figure} is released to readers.")
    return redirect(reverse("case-edit-part", args=[figure.study.case_id, "studies"]))


@login_required
def figure_annotate(request, pk: int) -> HttpResponse:
    """Draw arrows, ellipses and text on a figure; saved as an edit of the case."""
    figure = _figure_of_visible_case(request, pk)
    case = figure.study.case
    if not permissions.can_edit(request.user, case):
        raise PermissionDenied("Only the case's authors annotate its figures, while they edit it.")
    if figure.status != Figure.ProcessingStatus.READY:
        raise Http404("This image is not processed yet.")
    error, status = "", 200
    data = viewer_data(figure, request.user, case=case)
    if request.method == "POST":
        error, status = _save_annotations(request, figure)
        if not error:
            messages.success(request, f"Annotations of {figure} saved.")
            return redirect(reverse("figure-annotate", args=[figure.pk]))
        drawn = _posted_annotations(request)
        if isinstance(drawn, list):
            data["annotations"] = drawn  # keep what was drawn
        case.refresh_from_db(fields=["version"])
    return render(
        request,
        "cases/figure_annotate.html",
        {
            "figure": figure,
            "figure_data": data,
            "case": case,
            "annotate_url": reverse("figure-annotate", args=[figure.pk]),
            "error": error,
            "annotate_errors": [error] if error else [],
            # What was drawn comes back after a refused save, so nothing is lost.
            "annotations_json": request.POST.get("annotations", "") if error else "",
        },
        status=status,
    )


def _posted_annotations(request):
    try:
        return json.loads(request.POST.get("annotations") or "[]")
    except json.JSONDecodeError:
        return None


def _save_annotations(request, figure: Figure) -> tuple[str, int]:
    """("", 200) when saved, else the message and status to show with the drawing kept."""
    annotations = _posted_annotations(request)
    try:
        base_version = int(request.POST.get("base_version", ""))
    except ValueError:
        base_version = None
    if annotations is None or base_version is None:
        return "The annotations could not be read; nothing was saved.", 400
    try:
        save_annotations(
            figure, by=request.user, base_version=base_version, annotations=annotations
        )
    except StaleEdit as stale:
        return str(stale), 409
    except ValidationError as invalid:
        return " ".join(invalid.messages), 400
    return "", 200


@login_required
def figure_status_view(request, pk: int) -> JsonResponse:
    """Processing status of a figure, for the editor's upload list while it waits."""
    figure = _figure_of_visible_case(request, pk)
    if not permissions.can_follow_workflow(request.user, figure.study.case):
        raise Http404("No such image.")
    return JsonResponse(figure_status(figure, request.user))
