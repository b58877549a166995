"""What every working page shares (the author's, reviewer's, editor's and moderator's): the
switcher between the dashboards a person may open, and the page that says whose page this is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render

from . import permissions

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from accounts.models import User


def available_dashboards(user: User) -> list[tuple[str, str]]:
    """(URL name, label) of each dashboard this person may open, for the switcher."""
    dashboards = [("my-cases", "My cases")] if user.is_author else []
    if permissions.can_use_reviewer_dashboard(user):
        dashboards.append(("reviewer-dashboard", "Reviews"))
    if permissions.can_use_editor_dashboard(user):
        dashboards.append(("editor-dashboard", "Editor"))
    return dashboards


def render_dashboard(
    request: HttpRequest, template: str, context: dict, *, status: int = 200
) -> HttpResponse:
    context["dashboards"] = available_dashboards(request.user)
    return render(request, template, context, status=status)


def forbidden(request: HttpRequest, *, dashboard: str, needed_role: str) -> HttpResponse:
    # A page that says whose page this is, rather than the bare 403 of PermissionDenied.
    return render_dashboard(
        request,
        "dashboards/forbidden.html",
        {"dashboard": dashboard, "needed_role": needed_role},
        status=403,
    )
