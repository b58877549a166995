"""Comments and reports over the API: /api/v1/cases/<id>/comments/, /api/v1/comments/<id>/…

Thin views over `community.comments`, the services the pages use too: the same rules, the
same rate limit (answered here as 429 with Retry-After), the same version check of an edit
(412). A case, or a comment of a case, that the caller may not read is a 404; a comment on a
case that is not published does not exist for the API.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api.errors import Conflict, PreconditionFailed, errors
from api.ids import MAX_ID
from api.validation import not_blank
from cases.lookups import readable_case_or_404
from cases.rendering import render_markdown
from community import comment_permissions as rules
from community import comments
from community.models import Comment, Flag

TAG = "comments"
WRITE_SOMETHING = "Write something before posting."
NO_SUCH_PARENT = "This case has no such comment."
TOO_LONG = f"A comment can be at most {comments.BODY_MAX_LENGTH:,} characters long."


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(
        help_text="The author's name; null if their account is gone."
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    body = serializers.SerializerMethodField(
        help_text="Markdown. Null when the text is not shown to you: deleted, removed, or "
        "hidden by a moderator (moderators still read hidden text)."
    )
    body_html = serializers.SerializerMethodField(
        help_text="The text as sanitised HTML, as the case page shows it; null as `body`."
    )
    editable_until = serializers.SerializerMethodField(
        help_text="Until when the author may edit it (COMMENT_EDIT_WINDOW after posting)."
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text="Changes with every edit; send it with PATCH so that an edit made from an "
        "older text is refused (412) instead of overwriting a newer one.",
    )
    page_url = serializers.SerializerMethodField(help_text="The comment on its case page.")

    class Meta:
        model = Comment
        fields = [
            "id",
            "case",
            "parent",
            "author",
            "status",
            "status_display",
            "body",
            "body_html",
            "created_at",
            "edited_at",
            "editable_until",
            "version",
            "page_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "parent": {"help_text": "The comment this one replies to; null at the top level."},
            "edited_at": {"help_text": "When its author last edited it; null if never."},
        }

    def _shows_text(self, comment: Comment) -> bool:
        request = self.context["request"]
        return comment.is_visible or (
            comment.status == Comment.Status.HIDDEN and rules.can_see_hidden_text(request.user)
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, comment: Comment) -> str | None:
        return str(comment.author) if comment.author is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, comment: Comment) -> str | None:
        return comment.body if self._shows_text(comment) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body_html(self, comment: Comment) -> str | None:
        return str(render_markdown(comment.body)) if self._shows_text(comment) else None

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_editable_until(self, comment: Comment) -> str:
        until = comment.editable_until(rules.edit_window())
        return serializers.DateTimeField().to_representation(until)

    def get_page_url(self, comment: Comment) -> str:
        # The case's permanent address needs only its id: no query per comment.
        return f"{reverse('case-permalink', args=[comment.case_id])}#comment-{comment.pk}"


class NewCommentSerializer(serializers.Serializer):
    body = serializers.CharField(
        trim_whitespace=False,
        max_length=comments.BODY_MAX_LENGTH,
        validators=[not_blank(WRITE_SOMETHING)],
        error_messages={"blank": WRITE_SOMETHING, "max_length": TOO_LONG},
        help_text=f"Markdown, up to {comments.BODY_MAX_LENGTH:,} characters.",
    )
    parent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of the comment (of the same case) this one replies to.",
    )


class CommentChangesSerializer(serializers.Serializer):
    body = serializers.CharField(
        trim_whitespace=False,
        max_length=comments.BODY_MAX_LENGTH,
        validators=[not_blank(WRITE_SOMETHING)],
        error_messages={"blank": WRITE_SOMETHING, "max_length": TOO_LONG},
        help_text=f"The new text: Markdown, up to {comments.BODY_MAX_LENGTH:,} characters.",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_ID,
        help_text="The comment's `version` as you read it. Optional; with it, an edit of a "
        "text changed since is refused with 412.",
    )


class NewFlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=comments.NOTE_MAX_LENGTH,
        help_text="Anything the moderators should know.",
    )


class FlagSerializer(serializers.ModelSerializer):
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    is_open = serializers.BooleanField(
        read_only=True, help_text="True until a moderator has dealt with the report."
    )

    class Meta:
        model = Flag
        fields = ["id", "comment", "case", "reason", "reason_display", "note", "created_at"]
        fields += ["is_open"]
        read_only_fields = fields
        extra_kwargs = {
            "comment": {"help_text": "The reported comment; null for a report of a case."},
            "case": {"help_text": "The reported case; null for a report of a comment."},
        }


CASE_ID = OpenApiParameter(
    "case_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case's id."
)
COMMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The comment's id."
)


def _body(serializer_class: type[serializers.Serializer], request) -> dict:
    checked = serializer_class(data=request.data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def comment_for(request, pk: int) -> Comment:
    """The comment at `pk` if its case is published and this person may read it, else 404."""
    comment = (
        comments.visible_comments(request.user).filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    )
    if comment is None:
        raise Http404("No comment found.")
    return comment


def _answer(request, comment: Comment, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(CommentSerializer(comment, context={"request": request}).data, status=code)


def _flag_answer(flag: Flag, created: bool) -> Response:
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(FlagSerializer(flag).data, status=code)


class CaseCommentList(generics.GenericAPIView):
    queryset = Comment.objects.none()  # for the schema
    serializer_class = CommentSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_comments_list",
        summary="List the comments of a case, oldest first",
        description="Every comment of a published case you can read, as a flat list: "
        "`parent` says which comment a reply answers. Deleted, removed and hidden comments "
        "keep their place with `body` null, so that replies still have their parent. A case "
        "that is not published has no comments.",
        tags=[TAG],
        parameters=[CASE_ID],
        responses={200: CommentSerializer(many=True), **errors(404, 429)},
    )
    def get(self, request, case_id: int):
        case = readable_case_or_404(request.user, case_id)
        page = self.paginate_queryset(comments.comments_of(case))
        data = CommentSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="cases_comments_create",
        summary="Comment on a case, or reply to one of its comments",
        description="Signed-in readers comment on published cases. Posting is rate limited "
        "per person (COMMENT_RATE_LIMIT, by default 5 comments in 10 minutes): past it the "
        "answer is 429 with Retry-After. The case's authors are told of the comment, and "
        "the author of the comment replied to of the reply. A `parent` the case does not have "
        "is a 404; one that can no longer be replied to (removed, hidden), a 409.",
        tags=[TAG],
        parameters=[CASE_ID],
        request=NewCommentSerializer,
        responses={201: CommentSerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request, case_id: int):
        case = readable_case_or_404(request.user, case_id)
        data = _body(NewCommentSerializer, request)
        parent = None
        if data.get("parent"):
            parent = comments.comments_of(case).filter(pk=data["parent"]).first()
            if parent is None:
                raise Http404(NO_SUCH_PARENT)
            refusal = rules.why_cannot_reply_to(parent)
            if refusal:  # the comment's state: removed, hidden …
                raise Conflict(refusal)
        try:
            comment = comments.post_comment(
                case=case, by=request.user, body=data["body"], parent=parent
            )
        except comments.CommentRateLimited as error:
            raise Throttled(wait=error.retry_after, detail=str(error)) from None
        response = _answer(request, comment, code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("api-comment-detail", args=[comment.pk])
        )
        return response


class CommentDetail(generics.GenericAPIView):
    queryset = Comment.objects.none()  # for the schema
    serializer_class = CommentSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="comments_retrieve",
        summary="Read one comment",
        tags=[TAG],
        parameters=[COMMENT_ID],
        responses={200: CommentSerializer, **errors(404, 429)},
    )
    def get(self, request, pk: int):
        return _answer(request, comment_for(request, pk))

    @extend_schema(
        operation_id="comments_partial_update",
        summary="Edit your comment",
        description="Its author edits a comment for COMMENT_EDIT_WINDOW (by default 15 "
        "minutes) after posting it; afterwards the answer is 403. With `version`, an edit of "
        "a text that was changed since you read it is refused with 412.",
        tags=[TAG],
        parameters=[COMMENT_ID],
        request=CommentChangesSerializer,
        responses={200: CommentSerializer, **errors(400, 401, 403, 404, 412, 415, 429)},
    )
    def patch(self, request, pk: int):
        comment = comment_for(request, pk)
        data = _body(CommentChangesSerializer, request)
        try:
            comment = comments.edit_comment(
                comment=comment,
                by=request.user,
                body=data["body"],
                base_version=data.get("version"),
            )
        except comments.StaleComment as error:
            raise PreconditionFailed(
                f"This comment was edited since you read it (its version is now "
                f"{error.comment.version}): read it again before changing it."
            ) from None
        return _answer(request, comment)

    @extend_schema(
        operation_id="comments_destroy",
        summary="Delete your comment",
        description="Its author deletes a comment at any time: the text is erased and the "
        "comment stays in the list as `deleted`, so that its replies keep their place.",
        tags=[TAG],
        parameters=[COMMENT_ID],
        request=None,
        responses={204: None, **errors(401, 403, 404, 429)},
    )
    def delete(self, request, pk: int):
        comments.delete_comment(comment=comment_for(request, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


REPORT_DESCRIPTION = (
    "Signed-in readers report content to the moderators with a reason and an optional note. "
    "201: the new report; 200: you already have an open report of it, which is answered "
    "(nothing is added)."
)


class CommentFlag(generics.GenericAPIView):
    queryset = Comment.objects.none()  # for the schema
    serializer_class = FlagSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="comments_flag_create",
        summary="Report a comment to the moderators",
        description=f"{REPORT_DESCRIPTION} Nobody reports their own comment (403).",
        tags=[TAG],
        parameters=[COMMENT_ID],
        request=NewFlagSerializer,
        responses={
            201: FlagSerializer,
            200: FlagSerializer,
            **errors(400, 401, 403, 404, 415, 429),
        },
    )
    def post(self, request, pk: int):
        comment = comment_for(request, pk)
        data = _body(NewFlagSerializer, request)
        flag, created = comments.flag_comment(
            comment=comment, by=request.user, reason=data["reason"], note=data.get("note", "")
        )
        return _flag_answer(flag, created)


class CaseFlag(generics.GenericAPIView):
    queryset = Comment.objects.none()  # for the schema
    serializer_class = FlagSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_flag_create",
        summary="Report a case to the moderators",
        description=f"{REPORT_DESCRIPTION} Only published cases are reported (403 otherwise).",
        tags=[TAG],
        parameters=[CASE_ID],
        request=NewFlagSerializer,
        responses={
            201: FlagSerializer,
            200: FlagSerializer,
            **errors(400, 401, 403, 404, 415, 429),
        },
    )
    def post(self, request, case_id: int):
        case = readable_case_or_404(request.user, case_id)
        data = _body(NewFlagSerializer, request)
        flag, created = comments.flag_case(
            case=case, by=request.user, reason=data["reason"], note=data.get("note", "")
        )
        return _flag_answer(flag, created)
