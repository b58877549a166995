"""The editor's upload of images: one figure per file, added after the study's figures.

Answers JSON for the editor's uploads (and their progress list); a plain form post from the
page without JavaScript is taken back to the editor's studies with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases import permissions
from cases.models import Case, Figure, Study
from cases.permissions import LOCKED_REASONS
from cases.storage import StorageUnavailable

from ..uploads import add_figure
from .figures import figure_status


@require_POST
def figure_upload(request: HttpRequest, pk: int, study_pk: int) -> HttpResponse:
    """Add figures to a study from uploaded images.

    Answers JSON for the editor's uploads (one file each); a plain form post (the page without
    JavaScript) sends `then=editor` and is taken back to the studies with a message.
    """
    back_to_editor = request.POST.get("then") == "editor"
    if not request.user.is_authenticated:
        return upload_refused(request, back_to_editor, "Log in to upload images.", 403, pk)
    case = Case.objects.visible_to(request.user).filter(pk=pk).first()
    study = Study.objects.filter(case=case, pk=study_pk).first() if case else None
    if study is None:
        if back_to_editor:
            raise Http404("No such study.")
        return JsonResponse(
            {"error": "This study does not exist or you cannot see it."}, status=404
        )
    if not permissions.can_edit(request.user, case):
        reason = LOCKED_REASONS.get(case.status, "Only its authors can add images.")
        return upload_refused(
            request, back_to_editor, f"You cannot add images to this case. {reason}", 403, pk
        )

    uploads = [upload for upload in request.FILES.getlist("image") if upload.size]
    if not uploads:
        message = (
            "The file is empty: choose an image file to upload."
            if request.FILES.getlist("image")
            else "No file was sent: choose an image file to upload."
        )
        return upload_refused(request, back_to_editor, message, 400, pk)
    if not back_to_editor:
        uploads = uploads[:1]

    study.case = case  # the service checks permissions on it: no need to read it again
    flagged = request.POST.get("burned_in") == "1"
    added, refused = [], []
    for upload in uploads:
        try:
            added.append(
                add_figure(study, upload=upload, by=request.user, flagged_burned_in=flagged)
            )
        except PermissionDenied as error:
            return upload_refused(request, back_to_editor, str(error), 403, pk)
        except StorageUnavailable as error:
            # Files added before this one are kept; this one and the rest are not.
            return upload_refused(request, back_to_editor, _not_kept(error, added), 503, pk)
        except ValidationError as error:
            refused.append(f"{upload.name}: {' '.join(error.messages)}")

    if back_to_editor:
        if added:
            messages.success(
                request,
                f"{len(added)} file{'s' if len(added) != 1 else ''} uploaded. "
                "Give each figure a caption and alt text.",
            )
        for reason in refused:
            messages.error(request, f"Refused, nothing kept: {reason}")
        return redirect(reverse("case-edit-part", args=[pk, "studies"]) + f"#study-{study.pk}")
    if refused:
        return upload_refused(request, back_to_editor, refused[0].split(": ", 1)[1], 400, pk)
    figure = Figure.objects.get(pk=added[0].pk)
    return JsonResponse(figure_status(figure, request.user), status=201)


def _not_kept(error: StorageUnavailable, added: list[Figure]) -> str:
    if not added:
        return str(error)
    count = len(added)
    return f"{count} file{'s' if count != 1 else ''} uploaded, then: {error}"


def upload_refused(
    request: HttpRequest, back_to_editor: bool, message: str, status: int, pk: int
) -> HttpResponse:
    if back_to_editor and request.user.is_authenticated:
        messages.error(request, message)
        return redirect(reverse("case-edit-part", args=[pk, "studies"]))
    return JsonResponse({"error": message}, status=status)
