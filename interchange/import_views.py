"""Import pages: authors upload case reports and bundles, then follow each import job.

The work is done by `interchange.jobs` (the same code as the API and `manage.py import_cases`):
these views only turn the form into a job and show what the job recorded.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import permissions
from cases.editor_views import forbidden
from cases.models import Case
from cases.storage import StorageUnavailable

from . import jobs
from .importing import IMPORTABLE_SUFFIXES
from .models import ImportJob

JOBS_PER_PAGE = 20
# Long enough not to hammer a busy site, short enough to watch a small job finish.
REFRESH_SECONDS = 3


def _limits() -> dict[str, int | str]:
    return {
        "max_files": jobs.max_files(),
        "max_file_mb": jobs.max_file_bytes() // jobs.MB,
        "max_total_mb": jobs.max_total_bytes() // jobs.MB,
        "accept": ",".join(sorted(IMPORTABLE_SUFFIXES)),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_job_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_case(request.user):
        return forbidden(
            request,
            "Only authors can import cases, and your account does not hold the author role yet.",
            title="Only authors import cases",
            offer_author_role=True,
        )
    errors: list[str] = []
    unavailable = False
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        try:
            job = jobs.create_import_job(owner=request.user, uploads=uploads)
        except ValidationError as error:
            errors = [message for messages_ in error.message_dict.values() for message in messages_]
        except StorageUnavailable as error:
            errors, unavailable = [str(error)], True
        else:
            count = job.file_count
            messages.success(
                request,
                f"{count} file{'s' if count != 1 else ''} uploaded. "
                "Each one is imported in turn; the results appear below as they come.",
            )
            return redirect("import-job", pk=job.pk)
    paginator = Paginator(
        ImportJob.objects.filter(owner=request.user)
        .order_by("-created_at", "-pk")
        .defer("results", "error"),
        JOBS_PER_PAGE,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "interchange/import_job_list.html",
        {
            "page": page,
            "import_jobs": list(page.object_list),
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "errors": errors,
            **_limits(),
        },
        status=503 if unavailable else 400 if errors else 200,
    )


@login_required
def import_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's job is a 404, as if it did not exist.
    job = get_object_or_404(ImportJob.objects.filter(owner=request.user), pk=pk)
    results = [dict(result) for result in job.results]
    # The job recorded the case of each file when it ran; the case may have gone or changed
    # visibility since, so link only those the owner may see now (one query for all).
    case_ids = {result["case"] for result in results if result.get("case")}
    visible = (
        {
            case.pk: case
            for case in Case.objects.visible_to(request.user)
            .filter(pk__in=case_ids)
            .only("pk", "slug", "title")
        }
        if case_ids
        else {}
    )
    for result in results:
        result["visible_case"] = visible.get(result.get("case"))
    return render(
        request,
        "interchange/import_job_detail.html",
        {
            "job": job,
            "results": results,
            "waiting": job.file_count - job.files_done,
            "refresh_seconds": None if job.is_finished else REFRESH_SECONDS,
        },
    )
