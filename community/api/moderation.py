"""Moderation in the API (/api/v1/moderation/): open reports, the actions, the log.

Moderators only: anonymous requests are 401, other members 403. Every action takes
`{"reason": "..."}`, calls the same function of `moderation.py` as the pages, and answers the
audit row it wrote with the number of reports it resolved. An action already taken is 409.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.errors import errors
from cases.models import Case
from community import moderation
from community.models import Comment, Flag, ModerationAction
from community.moderation import REASON_MAX_LENGTH, REASON_REQUIRED, Result
from community.moderation_permissions import can_moderate

TAG = "moderation"


class IsModerator(BasePermission):
    message = "Only moderators can use the moderation API."

    def has_permission(self, request, view) -> bool:
        return can_moderate(request.user)


# --- Serializers ------------------------------------------------------------------------------


class ModerationPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="The name shown on the site.")


class ModerationMemberSerializer(ModerationPersonSerializer):
    is_suspended = serializers.BooleanField(read_only=True)


class ModerationCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    url = serializers.CharField(
        source="get_absolute_url", read_only=True, help_text="The case's page on the site."
    )


class ReportedCommentSerializer(serializers.ModelSerializer):
    author = ModerationMemberSerializer(read_only=True, allow_null=True)
    case = ModerationCaseSerializer(read_only=True)
    # Plain text: the comments resource documents the choices; a second copy of the enum
    # would leave it without a stable name.
    status = serializers.CharField(
        read_only=True, help_text="`visible`, `hidden`, `deleted` (by its author) or `removed`."
    )

    class Meta:
        model = Comment
        fields = ["id", "case", "author", "status", "body", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "body": {"help_text": "Markdown, as written; empty once the comment is erased."}
        }


class OpenReportSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(help_text="`comment` or `case`: what is reported.")
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    reporter = ModerationPersonSerializer(read_only=True, allow_null=True)
    comment = ReportedCommentSerializer(
        read_only=True, allow_null=True, help_text="The reported comment (kind `comment`)."
    )
    case = ModerationCaseSerializer(
        read_only=True, allow_null=True, help_text="The reported case (kind `case`)."
    )

    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "reason",
            "reason_display",
            "note",
            "reporter",
            "created_at",
            "comment",
            "case",
        ]
        read_only_fields = fields

    def get_kind(self, flag: Flag) -> str:
        return "comment" if flag.comment_id else "case"


class ModerationActionSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    moderator = ModerationPersonSerializer(read_only=True, allow_null=True)
    user = ModerationMemberSerializer(
        read_only=True, allow_null=True, help_text="The member suspended or reinstated."
    )

    class Meta:
        model = ModerationAction
        fields = [
            "id",
            "action",
            "action_display",
            "moderator",
            "reason",
            "comment",
            "case",
            "user",
            "comment_text",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "comment": {"help_text": "The id of the comment acted on."},
            "case": {"help_text": "The id of the case acted on."},
            "comment_text": {"help_text": "What the comment said when it was acted on."},
        }


class ModerationResultSerializer(serializers.Serializer):
    moderation_action = ModerationActionSerializer(
        read_only=True, help_text="The audit row the action wrote."
    )
    resolved_reports = serializers.IntegerField(
        read_only=True, help_text="How many open reports the action resolved."
    )


class ModerationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": REASON_REQUIRED, "blank": REASON_REQUIRED},
        help_text="Why: kept in the moderation log. Reporters are told the outcome, not this.",
    )


# --- Lists ------------------------------------------------------------------------------------


class OpenReportFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=[("comment", "Reports about comments"), ("case", "Reports about cases")],
        method="filter_kind",
        label="Only reports about comments (comment) or cases (case)",
    )

    class Meta:
        model = Flag
        fields = ["kind"]

    def filter_kind(self, queryset: QuerySet[Flag], name: str, value: str) -> QuerySet[Flag]:
        return queryset.filter(**{f"{value}__isnull": False})


class ModerationActionFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=ModerationAction.Action.choices)

    class Meta:
        model = ModerationAction
        fields = ["action"]


@extend_schema_view(
    get=extend_schema(
        operation_id="moderation_flags_list",
        summary="List open reports",
        description="Reports not yet resolved, about comments and published cases, oldest first.",
        tags=[TAG],
        responses={200: OpenReportSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
)
class FlagListView(generics.ListAPIView):
    permission_classes = [NotSuspended, IsModerator]
    serializer_class = OpenReportSerializer
    filterset_class = OpenReportFilter
    queryset = Flag.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Flag]:
        if getattr(self, "swagger_fake_view", False):
            return Flag.objects.none()
        return (
            moderation.open_flags_for(self.request.user)
            .select_related("reporter", "comment__author", "comment__case", "case")
            .order_by("created_at", "pk")
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="moderation_actions_list",
        summary="The moderation log",
        description="Every moderation action with its reason, newest first.",
        tags=[TAG],
        responses={200: ModerationActionSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
)
class ModerationActionListView(generics.ListAPIView):
    permission_classes = [NotSuspended, IsModerator]
    serializer_class = ModerationActionSerializer
    filterset_class = ModerationActionFilter
    queryset = ModerationAction.objects.none()

    def get_queryset(self) -> QuerySet[ModerationAction]:
        if getattr(self, "swagger_fake_view", False):
            return ModerationAction.objects.none()
        return moderation.moderation_log()


# --- Actions ----------------------------------------------------------------------------------

ACTION_ERRORS = errors(400, 401, 403, 404, 409, 415, 429)
REASON_EXAMPLE = OpenApiExample(
    "A reason", value={"reason": "Names the patient's hospital ward."}, request_only=True
)


def _id(name: str) -> OpenApiParameter:
    return OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=name)


def _get(queryset: QuerySet, pk: str, what: str):
    """The object, or the API's 404 (also for an id that is not a number)."""
    try:
        number = int(pk)
    except ValueError:
        number = None
    found = queryset.filter(pk=number).first() if number is not None else None
    if found is None:
        raise NotFound(f"No {what} with this id.")
    return found


class ModerationActionView(APIView):
    """Parse the reason, run the action, answer its audit row."""

    permission_classes = [NotSuspended, IsModerator]

    def reason(self, request) -> str:
        serializer = ModerationReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["reason"]

    def answer(self, result: Result) -> Response:
        return Response(
            ModerationResultSerializer(
                {"moderation_action": result.action, "resolved_reports": result.resolved}
            ).data
        )


def _schema(operation_id: str, summary: str, description: str, what: str):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        tags=[TAG],
        parameters=[_id(f"The {what}'s id.")],
        request=ModerationReasonSerializer,
        responses={200: ModerationResultSerializer, **ACTION_ERRORS},
        examples=[REASON_EXAMPLE],
    )


class DismissFlagView(ModerationActionView):
    @_schema(
        "moderation_flags_dismiss",
        "Dismiss a report",
        "Closes this report and every other open report of the same comment or case: nothing "
        "needed doing. The reporters are told. 409 when the report is already resolved.",
        "report",
    )
    def post(self, request, pk: str) -> Response:
        visible = Case.objects.visible_to(request.user).values("pk")
        flags = Flag.objects.filter(Q(case__in=visible) | Q(comment__case__in=visible))
        flag = _get(flags.select_related("comment", "case"), pk, "report")
        return self.answer(
            moderation.dismiss_flag(flag=flag, by=request.user, reason=self.reason(request))
        )


COMMENT_SERVICES = {
    "hide": moderation.hide_comment,
    "restore": moderation.restore_comment,
    "delete": moderation.delete_comment,
}


class CommentActionView(ModerationActionView):
    action_name = ""

    def post(self, request, pk: str) -> Response:
        comment = _get(moderation.comments_for(request.user), pk, "comment")
        service = COMMENT_SERVICES[self.action_name]
        return self.answer(service(comment=comment, by=request.user, reason=self.reason(request)))


class HideCommentView(CommentActionView):
    action_name = "hide"

    @_schema(
        "moderation_comments_hide",
        "Hide a comment",
        "Readers no longer see it; it can be restored. Its open reports are resolved and the "
        "reporters and the comment's author are told. 409 when it is not visible.",
        "comment",
    )
    def post(self, request, pk: str) -> Response:
        return super().post(request, pk)


class RestoreCommentView(CommentActionView):
    action_name = "restore"

    @_schema(
        "moderation_comments_restore",
        "Restore a hidden comment",
        "Readers see it again; reports still open on it are dismissed. 409 when it is not hidden.",
        "comment",
    )
    def post(self, request, pk: str) -> Response:
        return super().post(request, pk)


class DeleteCommentView(CommentActionView):
    action_name = "delete"

    @_schema(
        "moderation_comments_delete",
        "Delete a comment",
        "Erases its text for good (the audit row keeps it in `comment_text`); replies stay. "
        "Its open reports are resolved. 409 when it is already deleted.",
        "comment",
    )
    def post(self, request, pk: str) -> Response:
        return super().post(request, pk)


class UnpublishCaseView(ModerationActionView):
    @_schema(
        "moderation_cases_unpublish",
        "Send a published case back to the editors",
        "A workflow transition (published → accepted) with its audit trail and the "
        "notification of the case's editors and authors, who read the reason. Its open "
        "reports are resolved. 409 when the case is no longer published.",
        "case",
    )
    def post(self, request, pk: str) -> Response:
        case = _get(Case.objects.visible_to(request.user), pk, "case")
        return self.answer(
            moderation.unpublish_case(case=case, by=request.user, reason=self.reason(request))
        )


class MemberActionView(ModerationActionView):
    def member(self, pk: str):
        return _get(get_user_model().objects.all(), pk, "member")


class SuspendUserView(MemberActionView):
    @_schema(
        "moderation_users_suspend",
        "Suspend a member",
        "They still sign in and read, but every write is refused (403) until reinstated. "
        "They are told, with the reason. Not yourself, not an administrator (403); 409 when "
        "already suspended.",
        "member",
    )
    def post(self, request, pk: str) -> Response:
        member = self.member(pk)
        return self.answer(
            moderation.suspend_user(member=member, by=request.user, reason=self.reason(request))
        )


class ReinstateUserView(MemberActionView):
    @_schema(
        "moderation_users_reinstate",
        "Reinstate a suspended member",
        "Lifts the suspension; they are told. 409 when the member is not suspended.",
        "member",
    )
    def post(self, request, pk: str) -> Response:
        member = self.member(pk)
        return self.answer(
            moderation.reinstate_user(member=member, by=request.user, reason=self.reason(request))
        )
