"""Pages for writing comments and reports. Thin: read the form, call a service, answer.

The discussion itself is shown on the case page (`templatetags/comment_tags.py`); these pages
post to it and, when something is wrong, show the form again with the text kept. Comments
are reached through `comments.visible_comments(user)`, cases through
`Case.objects.visible_to(user)`: anything else is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import views as case_views
from cases.lookups import readable_case_or_404
from cases.models import Case

from . import comment_permissions as rules
from . import comments
from .comment_forms import CommentEditForm, CommentForm, FlagForm
from .models import Comment, Flag

ALREADY_REPORTED = "You have already reported this {}; a moderator will look at it soon."
REPORTED = "Thank you: your report was sent to the moderators."


def _case_or_404(request, pk: int) -> Case:
    return readable_case_or_404(request.user, pk)


def _own_comment_or_404(request, pk: int) -> Comment:
    """The signed-in person's own comment; anyone else's is not theirs to change (404)."""
    return get_object_or_404(comments.visible_comments(request.user), pk=pk, author=request.user)


def _case_page_named(request, case: Case, slug: str):
    """A case whose slug is the name of one of these pages keeps its own address."""
    if request.method == "GET" and case.slug == slug:
        return case_views.case_detail(request, pk=case.pk, slug=slug)
    return None


def _number(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def comment_create(request, pk: int):
    """Post a comment or a reply. The case page posts here; errors are shown on this page."""
    case = _case_or_404(request, pk)
    if (answer := _case_page_named(request, case, "comments")) is not None:
        return answer
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = rules.why_cannot_comment(request.user, case)
    if request.method == "GET" and refusal:
        messages.error(request, refusal)
        return redirect(f"{case.get_absolute_url()}#comments")
    source = request.POST if request.method == "POST" else request.GET
    parent_id = _number(source.get("parent"))
    parent = comments.comments_of(case).filter(pk=parent_id).first() if parent_id else None
    form = CommentForm(request.POST or None, initial={"parent": parent_id})
    status = 200
    if request.method == "POST":
        status = 400
        if parent_id and parent is None:
            form.add_error(None, "The comment you replied to is not on this case any more.")
        elif form.is_valid():
            try:
                comment = comments.post_comment(
                    case=case, by=request.user, body=form.cleaned_data["body"], parent=parent
                )
            except comments.CommentRateLimited as error:
                form.add_error(None, str(error))
                status = 429
            except PermissionDenied as error:
                form.add_error(None, str(error))
                status = 403
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Your comment is posted.")
                return redirect(comments.comment_url(comment))
    return render(
        request,
        "community/comments/comment_form.html",
        {
            "case": case,
            "form": form,
            "parent": parent,
            "parent_text": comments.shown_text(parent, request.user) if parent else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment = _own_comment_or_404(request, pk)
    refusal = rules.why_cannot_edit(request.user, comment)
    if request.method == "GET" and refusal:
        messages.error(request, refusal)
        return redirect(comments.comment_url(comment))
    form = CommentEditForm(
        request.POST or None, initial={"body": comment.body, "version": comment.version}
    )
    current = None  # the newer text, when the comment changed since the form was opened
    if request.method == "POST" and form.is_valid():
        try:
            comments.edit_comment(
                comment=comment,
                by=request.user,
                body=form.cleaned_data["body"],
                base_version=form.cleaned_data["version"],
            )
        except comments.StaleComment as error:
            current = error.comment
            # Saving again, having seen the newer text, replaces it.
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = CommentEditForm(data)
            form.is_valid()
            form.add_error(None, error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Your comment is updated.")
            return redirect(comments.comment_url(comment))
    return render(
        request,
        "community/comments/comment_edit.html",
        {
            "comment": comment,
            "case": comment.case,
            "form": form,
            "current": current,
            "current_text": comments.shown_text(current, request.user) if current else None,
            "editable_until": comment.editable_until(rules.edit_window()),
        },
        status=409 if current else (400 if form.errors else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk: int):
    """Ask, then delete. The replies stay, under a "[comment deleted]" placeholder."""
    comment = _own_comment_or_404(request, pk)
    refusal = rules.why_cannot_delete(request.user, comment)
    if refusal:
        messages.error(request, refusal)
        return redirect(comments.comment_url(comment))
    if request.method == "POST":
        try:
            comments.delete_comment(comment=comment, by=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Your comment is deleted.")
        return redirect(comments.comment_url(comment))
    return render(
        request,
        "community/comments/comment_delete.html",
        {
            "comment": comment,
            "case": comment.case,
            "text": comments.shown_text(comment, request.user),
            "reply_count": comment.replies.count(),
        },
    )


def _report(request, *, target_name: str, back: str, file_report, context: dict):
    """The report form of a comment or a case: show it, or file the report and go back."""
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, created = file_report(
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(back)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created:
                messages.success(request, REPORTED)
            else:
                messages.info(request, ALREADY_REPORTED.format(target_name))
            return redirect(back)
    return render(
        request,
        "community/comments/flag_form.html",
        {
            **context,
            "form": form,
            "target_name": target_name,
            "back": back,
            "reasons": Flag.Reason.choices,
            "note_max_length": comments.NOTE_MAX_LENGTH,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request, pk: int):
    comment = get_object_or_404(comments.visible_comments(request.user), pk=pk)
    back = comments.comment_url(comment)
    refusal = rules.why_cannot_flag_comment(request.user, comment)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)

    def file_report(**report):
        return comments.flag_comment(comment=comment, **report)

    return _report(
        request,
        target_name="comment",
        back=back,
        file_report=file_report,
        context={
            "case": comment.case,
            "comment": comment,
            "text": comments.shown_text(comment, request.user),
            "action": request.path,
        },
    )


@require_http_methods(["GET", "POST"])
def case_flag(request, pk: int):
    case = _case_or_404(request, pk)
    if (answer := _case_page_named(request, case, "flag")) is not None:
        return answer
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    back = case.get_absolute_url()
    refusal = rules.why_cannot_flag_case(request.user, case)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)

    def file_report(**report):
        return comments.flag_case(case=case, **report)

    return _report(
        request,
        target_name="case",
        back=back,
        file_report=file_report,
        context={"case": case, "action": request.path},
    )
