"""The pages of author role requests: asking (from the profile or the "New case" refusal), and
the list where editors and administrators approve or decline.

Each POST calls one function of `role_requests.py` and goes back to the page it came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cases.dashboard_frame import forbidden

from . import role_requests
from .models import AuthorRoleRequest
from .role_request_permissions import can_decide_author_roles
from .role_requests import RoleRequestConflict

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

REQUESTS_PER_PAGE = 20
SHOWN = {"pending": "Waiting", "decided": "Decided"}


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
@login_required
def author_role_request(request: HttpRequest) -> HttpResponse:
    back = _back(request, reverse("account_profile"))
    try:
        role_requests.request_author_role(
            member=request.user, reason=request.POST.get("reason", "")
        )
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except RoleRequestConflict as conflict:
        messages.info(request, " ".join(conflict.messages))
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(
            request,
            "Your request for the author role is sent. An editor or an administrator will "
            "decide, and you will be told.",
        )
    return redirect(back)


@login_required
def author_role_request_list(request: HttpRequest) -> HttpResponse:
    if not can_decide_author_roles(request.user):
        return forbidden(request, dashboard="list of author role requests", needed_role="editor")
    shown = request.GET.get("show")
    shown = shown if shown in SHOWN else "pending"
    requests = role_requests.requests_for(request.user).select_related("member__institution")
    if shown == "pending":
        # Oldest first: the longest wait is answered first.
        requests = requests.pending().order_by("created_at", "pk")
    else:
        requests = requests.decided().order_by("-decided_at", "-pk")
    paginator = Paginator(requests, REQUESTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "community/role_requests/list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "shown": shown,
            "tabs": SHOWN,
            "here": request.get_full_path(),
        },
    )


@require_POST
@login_required
def author_role_decision(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "decline"):
        raise Http404("No such decision.")
    if not can_decide_author_roles(request.user):
        return forbidden(request, dashboard="list of author role requests", needed_role="editor")
    role_request = role_requests.requests_for(request.user).filter(pk=pk).first()
    if role_request is None:
        raise Http404("No such request.")
    back = _back(request, reverse("author-role-request-list"))
    try:
        if decision == "approve":
            decided = role_requests.approve_author_role(role_request, by=request.user)
        else:
            decided = role_requests.decline_author_role(
                role_request, by=request.user, reason=request.POST.get("reason", "")
            )
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except RoleRequestConflict as conflict:
        messages.info(request, " ".join(conflict.messages))
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        member = decided.member
        if decided.status == AuthorRoleRequest.Status.APPROVED:
            messages.success(request, f"{member} now holds the author role, and is told.")
        else:
            messages.success(request, f"The request of {member} is declined, and they are told.")
    return redirect(back)
