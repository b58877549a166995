"""Conference mode: a collection shown as unknowns, one case after another, for teaching.

Each case is shown in four steps: the unknown (patient, clinical history, the images with their
labels only), then the findings, the diagnosis, and the discussion with the teaching points.
The reveal happens on the server: a step's page holds nothing of the steps after it, so neither
the page source nor a slow projector gives the answer away. It records nothing: this is the
presenter's view, not a trainee's attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cases.models import Case, Figure, Study

from .models import Collection, CollectionItem

if TYPE_CHECKING:
    from django.http import HttpRequest


class Step(IntEnum):
    UNKNOWN = 0
    FINDINGS = 1
    DIAGNOSIS = 2
    DISCUSSION = 3

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.UNKNOWN: "Unknown",
    Step.FINDINGS: "Findings",
    Step.DIAGNOSIS: "Diagnosis",
    Step.DISCUSSION: "Discussion",
}
# What the "next" link of each step says.
NEXT_LABELS = {
    Step.UNKNOWN: "Reveal the findings",
    Step.FINDINGS: "Reveal the diagnosis",
    Step.DIAGNOSIS: "Discussion and teaching points",
    Step.DISCUSSION: "Next case",
}
LAST = Step.DISCUSSION


def prefetch_for(step: Step) -> list:
    """What a step shows of its case, prefetched: nothing that a later step adds."""
    lookups: list = [
        Prefetch(
            "studies",
            queryset=Study.objects.prefetch_related(
                Prefetch(
                    "figures",
                    queryset=Figure.objects.filter(status=Figure.ProcessingStatus.READY),
                ),
                "figures__frames",
            ),
        ),
        # In-text citations and figure mentions are linked from the references' numbers.
        "references",
    ]
    if step >= Step.DIAGNOSIS:
        lookups.append("differential_diagnoses")
    if step >= Step.DISCUSSION:
        lookups += ["sections", "teaching_points", "tags"]
    return lookups


def _number(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


@dataclass
class Position:
    item: int  # 1-based; one past the last is the end screen
    step: Step


def position_from(request: HttpRequest, count: int) -> Position:
    """The item and step asked for, brought into range (a wrong number never fails)."""
    item = min(max(_number(request.GET.get("item"), 1), 1), count + 1)
    step = min(max(_number(request.GET.get("step"), 0), Step.UNKNOWN), LAST)
    return Position(item=item, step=Step(step))


def next_of(position: Position, count: int) -> Position | None:
    if position.item > count:
        return None
    if position.step < LAST:
        return Position(position.item, Step(position.step + 1))
    return Position(position.item + 1, Step.UNKNOWN)


def previous_of(position: Position, count: int) -> Position | None:
    if position.item > count:
        return Position(count, LAST) if count else None
    if position.step > Step.UNKNOWN:
        return Position(position.item, Step(position.step - 1))
    if position.item > 1:
        return Position(position.item - 1, LAST)
    return None


def present(
    request: HttpRequest, collection: Collection, *, base_url: str, exit_url: str
) -> HttpResponse:
    viewer = request.user
    shown = list(collection.items_shown_to(viewer).values_list("pk", "case_id"))
    count = len(shown)
    position = position_from(request, count)

    def url(target: Position | None) -> str | None:
        if target is None:
            return None
        return f"{base_url}?item={target.item}&step={int(target.step)}"

    context = {
        "collection": collection,
        "count": count,
        "position": position,
        "steps": [(step, step.label) for step in Step],
        "next_url": url(next_of(position, count)),
        "previous_url": url(previous_of(position, count)),
        "restart_url": url(Position(1, Step.UNKNOWN)),
        "exit_url": exit_url,
        "next_label": NEXT_LABELS[position.step],
        "is_last_item": position.item == count,
    }
    if position.item <= count:
        item_pk, case_pk = shown[position.item - 1]
        # Read again through the one visibility rule, with this step's parts only.
        case = get_object_or_404(
            Case.objects.visible_to(viewer).prefetch_related(*prefetch_for(position.step)),
            pk=case_pk,
        )
        context["case"] = case
        context["figures"] = [
            (study, figure) for study in case.studies.all() for figure in study.figures.all()
        ]
        if position.step >= Step.DISCUSSION:
            context["note"] = (
                CollectionItem.objects.filter(pk=item_pk).values_list("note", flat=True).first()
            )
    return render(request, "bookmarks/present.html", context)


def collection_present(request: HttpRequest, pk: int) -> HttpResponse:
    collection = get_object_or_404(Collection.objects.visible_to(request.user), pk=pk)
    return present(
        request,
        collection,
        base_url=reverse("collection-present", args=[collection.pk]),
        exit_url=collection.get_absolute_url(),
    )


def collection_shared_present(request: HttpRequest, token: str) -> HttpResponse:
    collection = Collection.objects.shared(token).first()
    if collection is None:
        raise Http404("No collection is shared at this link.")
    return present(
        request,
        collection,
        base_url=reverse("collection-shared-present", args=[token]),
        exit_url=collection.get_shared_url(),
    )
