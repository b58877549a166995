"""The moderation pages: the queue of reports, the log, a member's page, and the actions.

Each action has a confirmation page (GET) showing what is acted on and asking for the reason;
the queue and the member page carry the same form in a disclosure, so one step confirms. The
POST calls one function of `moderation.py` and returns to the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cases.dashboard_frame import forbidden
from cases.lookups import readable_case_or_404
from cases.models import Case
from cases.services import InvalidTransition
from cases.workflow import state_label

from . import moderation
from .models import Flag
from .moderation import AlreadyDone, Result
from .moderation_forms import QueueFilterForm, ReasonForm
from .moderation_permissions import can_moderate, can_suspend, why_not_suspend

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

ITEMS_PER_PAGE = 20
LOG_ROWS_PER_PAGE = 50
MEMBER_ROWS = 20


def moderators_only(view: Callable) -> Callable:
    """Anonymous visitors go to the login page; signed-in non-moderators get the forbidden page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_moderate(request.user):
            return forbidden(request, dashboard="moderation queue", needed_role="moderator")
        return view(request, *args, **kwargs)

    return wrapper


def _page_range(paginator: Paginator, page) -> list:
    return list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


# --- The queue, the log, a member -------------------------------------------------------------


@moderators_only
def moderation_queue(request: HttpRequest) -> HttpResponse:
    kind = QueueFilterForm(request.GET).kind_or_all()
    paginator = Paginator(moderation.queue_targets(request.user, kind=kind), ITEMS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "community/moderation/queue.html",
        {
            "items": moderation.queue_items(request.user, list(page.object_list)),
            "page": page,
            "page_range": _page_range(paginator, page),
            "kind": kind,
            "kinds": moderation.QUEUE_KINDS,
            "here": request.get_full_path(),
            "comment_pages": COMMENT_PAGES,
            "case_pages": CASE_PAGES,
            "member_pages": MEMBER_PAGES,
        },
    )


@moderators_only
def moderation_log(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(moderation.moderation_log(), LOG_ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "community/moderation/log.html",
        {"page": page, "page_range": _page_range(paginator, page)},
    )


@moderators_only
def moderation_member(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(get_user_model(), pk=pk)
    comments = list(
        moderation.comments_for(request.user)
        .filter(author=member)
        .select_related("case")
        .order_by("-created_at", "-pk")[:MEMBER_ROWS]
    )
    reports = list(
        Flag.objects.filter(comment__author=member)
        .select_related("comment__case", "reporter", "resolved_by")
        .order_by("-created_at", "-pk")[:MEMBER_ROWS]
    )
    history = list(
        moderation.moderation_log().filter(Q(user=member) | Q(comment__author=member))[:MEMBER_ROWS]
    )
    return render(
        request,
        "community/moderation/member.html",
        {
            "member": member,
            "comments": comments,
            "reports": reports,
            "history": history,
            "can_suspend": can_suspend(request.user, member),
            "why_not_suspend": why_not_suspend(request.user, member),
            "here": request.get_full_path(),
            "member_pages": MEMBER_PAGES,
        },
    )


# --- Actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPage:
    """How one action reads on its confirmation page and in the message after it."""

    title: str  # the confirmation page's heading
    button: str
    done: str  # the message once done
    consequence: str  # what happens, in a sentence
    reason_goes_to: str  # who reads the reason
    destructive: bool = False


COMMENT_PAGES = {
    "hide": ActionPage(
        "Hide this comment",
        "Hide the comment",
        "The comment is hidden.",
        "Readers no longer see the comment; a moderator can restore it later.",
        "The comment's author is told, with this reason. Reporters are told the outcome only.",
    ),
    "restore": ActionPage(
        "Restore this comment",
        "Restore the comment",
        "The comment is visible again.",
        "Readers see the comment again. Reports still open on it are dismissed.",
        "Kept in the moderation log. The comment's author is told it is visible again.",
    ),
    "delete": ActionPage(
        "Delete this comment",
        "Yes, delete the comment",
        "The comment is deleted.",
        "The comment's text is erased for good (the moderation log keeps a copy); replies stay.",
        "The comment's author is told, with this reason. Reporters are told the outcome only.",
        destructive=True,
    ),
    "dismiss": ActionPage(
        "Dismiss the reports on this comment",
        "Dismiss the reports",
        "The reports are dismissed.",
        "The comment stays as it is; its open reports are closed.",
        "Kept in the moderation log. Reporters are told no action was needed, not why.",
    ),
}

CASE_PAGES = {
    "unpublish": ActionPage(
        "Send this case back to the editors",
        "Yes, send it back to the editors",
        "The case is sent back to the editors.",
        "The case leaves the site at once and returns to the editors as accepted: they "
        "publish it again or return it to its authors.",
        "The case's editors and authors read this reason. Reporters are told the outcome only.",
        destructive=True,
    ),
    "dismiss": ActionPage(
        "Dismiss the reports on this case",
        "Dismiss the reports",
        "The reports are dismissed.",
        "The case stays published; its open reports are closed.",
        "Kept in the moderation log. Reporters are told no action was needed, not why.",
    ),
}

MEMBER_PAGES = {
    "suspend": ActionPage(
        "Suspend this member",
        "Yes, suspend",
        "The member is suspended.",
        "They can still sign in and read, but cannot write, comment or report until reinstated.",
        "The member is told, with this reason; it is shown to them while suspended.",
        destructive=True,
    ),
    "reinstate": ActionPage(
        "Reinstate this member",
        "Reinstate",
        "The member is reinstated.",
        "They can write, comment and report again.",
        "Kept in the moderation log. The member is told they are reinstated.",
    ),
}


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _resolved_note(result: Result) -> str:
    if not result.resolved:
        return ""
    reports = f"{result.resolved} report{'s' if result.resolved != 1 else ''}"
    return f" {reports} resolved; the reporters were told the outcome."


def _act(
    request: HttpRequest,
    page: ActionPage,
    *,
    run: Callable[..., Result],
    context: dict,
    refusal: str,
    default_back: str,
) -> HttpResponse:
    back = _back(request, default_back)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = run(reason=form.cleaned_data["reason"])
            except AlreadyDone as error:
                messages.info(request, f"Nothing changed: {' '.join(error.messages)}")
                return redirect(back)
            except InvalidTransition as error:
                messages.error(request, " ".join(error.messages))
                return redirect(back)
            except PermissionDenied as error:
                messages.error(request, str(error) or "You cannot do this.")
                return redirect(back)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, page.done + _resolved_note(result))
                return redirect(back)
        status = 400
    return render(
        request,
        "community/moderation/confirm.html",
        {**context, "page": page, "form": form, "back": back, "refusal": refusal},
        status=status,
    )


@moderators_only
def comment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in COMMENT_PAGES:
        raise Http404("No such moderation action.")
    comment = get_object_or_404(
        moderation.comments_for(request.user).select_related("case", "author"), pk=pk
    )
    open_reports = list(
        Flag.objects.filter(comment=comment, resolved_at__isnull=True).select_related("reporter")
    )
    if action == "dismiss":
        refusal = "" if open_reports else "There are no open reports on this comment."
        run = partial(moderation.dismiss_reports, comment=comment, by=request.user)
    else:
        refusal = moderation.comment_action_refusal(comment, action)
        service = {
            "hide": moderation.hide_comment,
            "restore": moderation.restore_comment,
            "delete": moderation.delete_comment,
        }[action]
        run = partial(service, comment=comment, by=request.user)
    return _act(
        request,
        COMMENT_PAGES[action],
        run=run,
        context={"comment": comment, "case": comment.case, "reports": open_reports},
        refusal=refusal,
        default_back=reverse("moderation-queue"),
    )


@moderators_only
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in CASE_PAGES:
        raise Http404("No such moderation action.")
    case = readable_case_or_404(request.user, pk)
    open_reports = list(
        Flag.objects.filter(case=case, resolved_at__isnull=True).select_related("reporter")
    )
    if action == "dismiss":
        refusal = "" if open_reports else "There are no open reports on this case."
        run = partial(moderation.dismiss_reports, case=case, by=request.user)
    else:
        refusal = (
            ""
            if case.status == Case.Status.PUBLISHED
            else f"This case is not published (it is {state_label(case.status)})."
        )
        run = partial(moderation.unpublish_case, case=case, by=request.user)
    return _act(
        request,
        CASE_PAGES[action],
        run=run,
        context={"case": case, "reports": open_reports},
        refusal=refusal,
        default_back=reverse("moderation-queue"),
    )


@moderators_only
def member_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in MEMBER_PAGES:
        raise Http404("No such moderation action.")
    member = get_object_or_404(get_user_model(), pk=pk)
    refusal = why_not_suspend(request.user, member)
    if not refusal and action == "suspend" and member.is_suspended:
        refusal = f"{member} is already suspended."
    if not refusal and action == "reinstate" and not member.is_suspended:
        refusal = f"{member} is not suspended."
    service = moderation.suspend_user if action == "suspend" else moderation.reinstate_user
    return _act(
        request,
        MEMBER_PAGES[action],
        run=partial(service, member=member, by=request.user),
        context={"member": member},
        refusal=refusal,
        default_back=reverse("moderation-member", kwargs={"pk": member.pk}),
    )
