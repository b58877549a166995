"""The case editor: authors create a case and edit it part by part.

Every case is fetched through `Case.objects.visible_to(request.user)`, every save goes through
`services.change_case` (which refuses a save made from an older version). Figures are added by
the upload view of `imaging.views.uploads`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_POST

from . import permissions, services
from .diff import diff_documents
from .document import DOCUMENT_PREFETCH
from .editor_parts import PARTS, Part
from .forms import CaseCreateForm
from .lookups import readable_case_or_404
from .models import Case
from .permissions import LOCKED_REASONS
from .views import CASE_PAGE_PREFETCH

FIRST_PART = next(iter(PARTS))


def forbidden(
    request: HttpRequest,
    message: str,
    *,
    title: str = "You cannot do this",
    offer_author_role: bool = False,
) -> HttpResponse:
    return render(
        request,
        "cases/editor/forbidden.html",
        {"title": title, "message": message, "offer_author_role": offer_author_role},
        status=403,
    )


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_case(request.user):
        # The page offers to ask for the role, or shows the request already waiting.
        return forbidden(
            request,
            "Your account does not hold the author role yet.",
            title="Only authors create cases",
            offer_author_role=True,
        )
    form = CaseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.create_case(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, "Case created. Fill in its parts, then save each one.")
            return redirect("case-edit", pk=case.pk)
    return render(request, "cases/editor/create.html", {"form": form})


def editor_case(request: HttpRequest, pk: int) -> Case:
    """The case with every part the editor and its checklist show, in a fixed number of queries."""
    return readable_case_or_404(
        request.user,
        pk,
        queryset=Case.objects.select_related("created_by", "rehabilitation").prefetch_related(
            *DOCUMENT_PREFETCH
        ),
    )


@login_required
def case_edit(request: HttpRequest, pk: int, part: str = FIRST_PART) -> HttpResponse:
    part_class = PARTS.get(part)
    if part_class is None:
        raise Http404("The editor has no such part.")
    case = editor_case(request, pk)
    if not permissions.can_edit(request.user, case):
        return locked(request, case)

    if request.method != "POST":
        return render_part(request, case, part_class(case))

    forms = part_class(case, request.POST)
    base_version = parse_version(request.POST.get("base_version"))
    if base_version is None:
        return render_part(
            request,
            case,
            forms,
            problem="This page did not say which version of the case it was loaded from. "
            "Check the text below, then save again.",
            status=400,
        )
    if not forms.is_valid():
        return render_part(request, case, forms, base_version=base_version)
    try:
        services.change_case(
            case,
            by=request.user,
            base_version=base_version,
            changes=forms.changes(),
            summary=forms.title,
        )
    except services.StaleEdit as stale:
        return render_conflict(request, case, forms, stale)
    except PermissionDenied:
        # The case changed state (e.g. was submitted) since the page was loaded.
        return locked(request, editor_case(request, pk))
    messages.success(request, "Saved.")
    return redirect("case-edit-part", pk=case.pk, part=forms.slug)


def parse_version(raw: str | None) -> int | None:
    try:
        version = int(raw or "")
    except ValueError:
        return None
    return version if version > 0 else None


def render_part(
    request: HttpRequest,
    case: Case,
    forms: Part,
    *,
    base_version: int | None = None,
    problem: str = "",
    conflict: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    checklist = case.publication_checklist()
    nav = [
        {"slug": slug, "title": cls.title, "fill": cls.fill(case), "current": slug == forms.slug}
        for slug, cls in PARTS.items()
    ]
    return render(
        request,
        "cases/editor/edit.html",
        {
            "case": case,
            "part": forms,
            "part_template": f"cases/editor/parts/{forms.slug}.html",
            "nav": nav,
            "base_version": case.version if conflict or base_version is None else base_version,
            "errors": forms.error_summary() if forms.data is not None else [],
            "problem": problem,
            "conflict": conflict,
            "unsaved": forms.data is not None,
            "checklist": checklist,
            "blocker_count": sum(1 for _, met in checklist if not met),
        },
        status=status,
    )


def render_conflict(
    request: HttpRequest, case: Case, forms: Part, stale: services.StaleEdit
) -> HttpResponse:
    """Keep what the author typed, say what happened and show what the other person changed."""
    current = editor_case(request, case.pk)
    conflict = {
        "base_version": stale.base_version,
        "current_version": stale.case.version,
        "changes": changes_between(current, stale.base_version, stale.case.version),
        "changes_template": changes_template_exists(),
    }
    return render_part(request, current, forms, conflict=conflict, status=409)


def changes_between(case: Case, old_version: int, new_version: int) -> list | None:
    """What changed between two versions, or None when it cannot be told."""
    old = services.revision_at(case, old_version)
    new = services.revision_at(case, new_version)
    if old is None or new is None:
        return None
    return diff_documents(old.document, new.document)


def changes_template_exists() -> bool:
    try:
        get_template("cases/_changes.html")
    except TemplateDoesNotExist:
        return False
    return True


def locked(request: HttpRequest, case: Case) -> HttpResponse:
    """The 403 page of a case this person cannot edit now, saying why and what they can do."""
    is_author = permissions.is_author_of(request.user, case)
    pending_revision = None
    if is_author and case.is_published:
        pending_revision = (
            Case.objects.visible_to(request.user)
            .filter(revision_of=case)
            .exclude(status=Case.Status.PUBLISHED)
            .order_by("-created_at")
            .first()
        )
    return render(
        request,
        "cases/editor/locked.html",
        {
            "case": case,
            "is_author": is_author,
            "reason": LOCKED_REASONS.get(case.status, "It cannot be edited in its current state."),
            "pending_revision": pending_revision,
            "show_editorial": permissions.can_see_drafts_of(request.user, case),
        },
        status=403,
    )


@login_required
@require_POST
def case_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a new draft revision of a published case; the published one stays live."""
    case = readable_case_or_404(request.user, pk)
    try:
        revision = services.start_revision(case, by=request.user)
    except PermissionDenied:
        return forbidden(
            request,
            "Only the authors of a published case can start a new revision of it.",
            title="You cannot revise this case",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("case-edit", pk=case.pk)
    messages.success(
        request,
        "A new revision was started. Readers see the published version until this one is "
        "published.",
    )
    return redirect("case-edit", pk=revision.pk)


@login_required
def case_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The case as readers will see it once published, with the page the readers get."""
    case = readable_case_or_404(
        request.user,
        pk,
        queryset=Case.objects.select_related("created_by", "rehabilitation").prefetch_related(
            *CASE_PAGE_PREFETCH
        ),
    )
    show_workflow = not case.is_published and permissions.can_see_drafts_of(request.user, case)
    checklist = case.publication_checklist() if show_workflow else []
    return render(
        request,
        "cases/editor/preview.html",
        {
            "case": case,
            "preview": True,
            "can_edit": permissions.can_edit(request.user, case),
            "show_workflow": show_workflow,
            "checklist": checklist,
            "blocker_count": sum(1 for _, met in checklist if not met),
        },
    )
