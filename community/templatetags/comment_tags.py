"""The discussion on the case page: its section, its line in the contents, the report control.

The three tags share one thread per case and reader, built from a single query, so the page
costs the same number of queries with one comment or with hundreds.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from cases.models import Case

from .. import comment_permissions as rules
from ..comments import BODY_MAX_LENGTH, NOTE_MAX_LENGTH, Thread, comment_thread
from ..models import Flag

register = template.Library()


def thread_for(context, case: Case) -> Thread:
    user = context["request"].user
    cached = case.__dict__.setdefault("_comment_threads", {})
    key = user.pk if user.is_authenticated else None
    if key not in cached:
        cached[key] = comment_thread(case, user)
    return cached[key]


@register.simple_tag
def comments_stylesheet() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("css/comments.css"))


@register.inclusion_tag("community/comments/_toc_item.html", takes_context=True)
def comments_toc_item(context, case: Case) -> dict:
    if not case.is_published:
        return {"show": False}
    return {"show": True, "count": thread_for(context, case).count}


@register.inclusion_tag("community/_comments.html", takes_context=True)
def comments_section(context, case: Case) -> dict:
    request = context["request"]
    if not case.is_published:
        return {"show": False}
    return {
        "show": True,
        "case": case,
        "thread": thread_for(context, case),
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "reasons": Flag.Reason.choices,
        "body_max_length": f"{BODY_MAX_LENGTH:,}",
        "note_max_length": NOTE_MAX_LENGTH,
        "edit_window": rules.describe_duration(rules.edit_window()),
        "moderator": rules.can_see_hidden_text(request.user),
    }


@register.inclusion_tag("community/comments/_case_flag.html", takes_context=True)
def case_flag_control(context, case: Case) -> dict:
    """The "Report this case" disclosure with its small form, for signed-in readers."""
    user = context["request"].user
    return {
        "show": user.is_authenticated and rules.can_flag(user, case),
        "case": case,
        "csrf_token": context.get("csrf_token"),
        "reasons": Flag.Reason.choices,
        "note_max_length": NOTE_MAX_LENGTH,
    }
