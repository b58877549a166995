"""Unknown mode, attempts, the review queue and the progress page. Thin: read, call a service,
render. What each stage of an unknown shows is decided in study/reveal.py alone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.models import Case

from . import labels, queries, reveal, services
from .filters import UnknownFilter, walk_params
from .forms import AnswerForm, AssessForm
from .models import Attempt, ReviewQueueEntry

UNKNOWNS_PER_PAGE = 20
QUEUE_PER_PAGE = 20
STAGE_ANCHORS = {
    Attempt.Stage.FINDINGS: "stage-findings",
    Attempt.Stage.DIAGNOSIS: "stage-diagnosis",
    Attempt.Stage.DISCUSSION: "stage-discussion",
}


def _with_query(url: str, query: QueryDict, fragment: str = "") -> str:
    encoded = query.urlencode()
    return f"{url}{'?' + encoded if encoded else ''}{'#' + fragment if fragment else ''}"


def _next_url(walk: QueryDict, after: int | None = None) -> str:
    """The next unknown of the walk; `after` (a case number) is sent as the unknown's code."""
    query = walk.copy()
    if after is not None:
        query["after"] = labels.encode_unknown(after)
    return _with_query(reverse("unknown-next"), query)


def unknown_url(pk: int) -> str:
    """The unknown's address: its code, not the case number (which leads to the answer)."""
    return reverse("unknown", args=[labels.encode_unknown(pk)])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- The unknowns and the walk through them ----------------------------------------------------


def unknown_list(request) -> HttpResponse:
    unknown_filter = UnknownFilter(
        request.GET,
        queryset=queries.listed_unknowns(request.user).with_card_data(),
    )
    paginator = Paginator(unknown_filter.qs, UNKNOWNS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    walk = walk_params(request.GET)
    return render(
        request,
        "study/unknown_list.html",
        {
            "form": unknown_filter.form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": any(name in walk for name in UnknownFilter.base_filters),
            "walk": walk,
            "next_url": _next_url(walk),
        },
    )


@login_required
def unknown_next(request) -> HttpResponse:
    """The next unknown of a filtered set or a collection, skipping those already tried."""
    walk = walk_params(request.GET)
    after = labels.decode_unknown(request.GET.get("after", ""))
    if "collection" in walk:
        collection = queries.collection_for(request.user, walk["collection"], walk.get("token", ""))
        candidates = queries.collection_unknown_ids(request.user, collection)
    else:
        unknown_filter = UnknownFilter(walk, queryset=queries.unknown_cases(request.user).listed())
        candidates = services.candidate_ids(
            unknown_filter.qs.order_by(F("published_at").desc(nulls_last=True), "-pk")
        )
    pk = services.next_unknown(user=request.user, candidates=candidates, after=after)
    if pk is None:
        messages.info(request, "No unknown matches these filters yet.")
        return redirect(_with_query(reverse("unknown-list"), walk))
    return redirect(_with_query(unknown_url(pk), walk))


@login_required
def case_unknown(request, pk: int) -> HttpResponse:
    """The old address of an unknown, by case number: sent on to its code, for those who may
    study it; a 404 as before for anyone else. An answer sent from a page opened before the
    move is sent on as it is (307), not dropped."""
    if not queries.unknown_cases(request.user).filter(pk=pk).exists():
        raise Http404("No such unknown.")
    response = redirect(_with_query(unknown_url(pk), request.GET))
    if request.method == "POST":
        response.status_code = 307
    return response


@login_required
def unknown(request, code: str) -> HttpResponse:
    """The unknown: history and images, the answer form. Answering records the attempt and
    opens it at the findings. The address holds the unknown's code, never the case number."""
    pk = labels.decode_unknown(code)
    if pk is None:
        raise Http404("No such unknown.")
    case = get_object_or_404(reveal.prefetch_for(queries.unknown_cases(request.user), 0), pk=pk)
    if code != labels.unknown_code(case):  # "k7qm2", "K7QMZ" typed with an O: the one address
        return redirect(_with_query(unknown_url(pk), request.GET), permanent=True)
    questions = list(case.questions.all())
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST, questions=questions)
        walk = walk_params(QueryDict(request.POST.get("walk", "")))
        if form.is_valid():
            try:
                started_at = None
                if form.cleaned_data["start_token"]:
                    started_at = services.read_start_token(
                        form.cleaned_data["start_token"], user=request.user, case=case
                    )
                attempt = services.start_attempt(
                    user=request.user,
                    case=case,
                    answer=form.cleaned_data["answer"],
                    question_answers=form.question_answers(),
                    started_at=started_at,
                )
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                return redirect(
                    _with_query(
                        reverse("attempt-detail", args=[attempt.pk]),
                        walk,
                        STAGE_ANCHORS[attempt.stage],
                    )
                )
        status = 400
    else:
        form = AnswerForm(questions=questions)
        walk = walk_params(request.GET)
    return render(
        request,
        "study/unknown.html",
        {
            "content": reveal.case_content(case, stage_number=0),
            "form": form,
            "start_token": _start_token(request, case, form),
            "walk_query": walk.urlencode(),
            "previous_attempts": Attempt.objects.filter(user=request.user, case=case).count(),
            "skip_url": _next_url(walk, after=case.pk),
        },
        status=status,
    )


def _start_token(request, case: Case, form: AnswerForm) -> str:
    """The signed start time: a form sent back keeps its own (the clock runs from the first
    showing); a first showing, or a token that does not hold, gets a new one."""
    if form.is_bound:
        token = form.data.get("start_token", "")
        try:
            services.read_start_token(token, user=request.user, case=case)
        except ValidationError:
            pass
        else:
            return token
    return services.start_token(user=request.user, case=case)


# --- An attempt, stage by stage ----------------------------------------------------------------


def _own_attempt(request, pk: int) -> Attempt:
    """The person's own attempt on a case they may still read; anything else is a 404."""
    return get_object_or_404(
        Attempt.objects.filter(
            user=request.user, case__in=Case.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )


@login_required
def attempt_detail(request, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    stage_number = attempt.stage_number
    case = reveal.prefetch_for(Case.objects.all(), stage_number).get(pk=attempt.case_id)
    walk = walk_params(request.GET)
    diagnosis_shown = attempt.has_revealed(Attempt.Stage.DIAGNOSIS)
    # What the answer was found to name, read again (the differentials come with the
    # diagnosis: reveal.prefetch_for); not shown if the case has changed the verdict since.
    judgement = services.judge_answer(case, attempt.answer) if diagnosis_shown else None
    if judgement is not None and judgement.verdict != attempt.verdict:
        judgement = None
    return render(
        request,
        "study/attempt.html",
        {
            "attempt": attempt,
            "content": reveal.case_content(case, stage_number=stage_number, attempt=attempt),
            "judgement": judgement,
            "assess_form": AssessForm(initial={"self_assessment": attempt.self_assessment})
            if attempt.can_be_assessed
            else None,
            "walk_query": walk.urlencode(),
            "next_url": _next_url(walk, after=attempt.case_id),
            "queue_entry": ReviewQueueEntry.objects.filter(
                user=request.user, case_id=attempt.case_id
            ).first()
            if diagnosis_shown
            else None,
        },
    )


@login_required
@require_POST
def attempt_reveal(request, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    walk = walk_params(request.GET)
    try:
        attempt = services.reveal_next_stage(attempt=attempt, by=request.user)
    except ValidationError as error:
        messages.info(request, _error_text(error))
        return redirect(_with_query(reverse("attempt-detail", args=[attempt.pk]), walk))
    return redirect(
        _with_query(
            reverse("attempt-detail", args=[attempt.pk]), walk, STAGE_ANCHORS[attempt.stage]
        )
    )


@login_required
@require_POST
def attempt_assess(request, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    walk = walk_params(request.GET)
    url = reverse("attempt-detail", args=[attempt.pk])
    form = AssessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose correct, partly or missed to judge your answer.")
        return redirect(_with_query(url, walk, "assess"))
    try:
        attempt = services.assess_attempt(
            attempt=attempt, by=request.user, self_assessment=form.cleaned_data["self_assessment"]
        )
    except ValidationError as error:
        messages.info(request, _error_text(error))
    else:
        judged = attempt.get_self_assessment_display().lower()
        if attempt.is_miss:
            messages.success(
                request, f"Recorded as {judged}. This case will come back in your review queue."
            )
        else:
            messages.success(request, f"Recorded as {judged}.")
    return redirect(_with_query(url, walk, "assess"))


# --- The review queue and progress -------------------------------------------------------------


@login_required
def review_queue(request) -> HttpResponse:
    entries = queries.review_queue_of(request.user)
    paginator = Paginator(entries, QUEUE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    due = [entry for entry in page.object_list if entry.is_due()]
    return render(
        request,
        "study/review_queue.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "first_due": due[0] if due and page.number == 1 else None,
        },
    )


@login_required
def progress(request) -> HttpResponse:
    summary = queries.progress_of(request.user)
    recent = list(queries.attempts_of(request.user)[: queries.RECENT_ATTEMPTS])
    busiest = max((week["count"] for week in summary["activity"]), default=0)
    return render(
        request,
        "study/progress.html",
        {
            "progress": summary,
            "recent": recent,
            "activity_chart": activity_chart(summary["activity"], busiest),
        },
    )


CHART_HEIGHT = 120
CHART_BAR = 22
CHART_GAP = 8


def activity_chart(weeks: list[dict], busiest: int) -> dict:
    """The weekly activity as SVG bars: positions and heights computed here, no script."""
    bars = []
    for number, week in enumerate(weeks):
        height = round(CHART_HEIGHT * week["count"] / busiest) if busiest else 0
        x = number * (CHART_BAR + CHART_GAP)
        bars.append(
            {
                **week,
                "x": x,
                "y": 20 + CHART_HEIGHT - height,
                "height": height,
                "middle": x + CHART_BAR / 2,
                # Every other week is named, the last one included, so the dates stay legible.
                "labelled": (len(weeks) - 1 - number) % 2 == 0,
            }
        )
    return {
        "bars": bars,
        "bar_width": CHART_BAR,
        "width": len(weeks) * (CHART_BAR + CHART_GAP) - CHART_GAP,
        "baseline": 20 + CHART_HEIGHT,
        "label_y": 20 + CHART_HEIGHT + 14,
        "height": 20 + CHART_HEIGHT + 20,
        "busiest": busiest,
    }
