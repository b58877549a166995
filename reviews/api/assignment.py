"""/api/v1/cases/{id}/assign-reviewer/: an editor asks a reviewer to review a case."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.errors import errors
from cases import permissions
from cases.api.cases import CASE_ID, document_response
from cases.api.document_schema import CaseDocumentSerializer
from cases.lookups import readable_case_or_404

from .. import services
from ..forms import AssignReviewerForm


class AssignReviewerSerializer(serializers.Serializer):
    reviewer = serializers.CharField(help_text="The reviewer's username.", max_length=150)
    due_date = serializers.DateField(required=False, help_text="Default: two weeks from now.")


class AssignReviewer(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]

    @extend_schema(
        operation_id="cases_assign_reviewer_create",
        summary="Ask a reviewer to review the case",
        tags=["cases"],
        parameters=[CASE_ID],
        request=AssignReviewerSerializer,
        responses={201: CaseDocumentSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, id):
        case = readable_case_or_404(request.user, id, follow_workflow=True)
        if not permissions.can_manage_reviews(request.user, case):
            raise PermissionDenied("Only editors who do not author the case assign.")
        serializer = AssignReviewerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The form's choice of reviewers is the page's: active reviewers who may review it.
        reviewer = (
            AssignReviewerForm(case=case)
            .fields["reviewer"]
            .queryset.filter(username=data["reviewer"])
            .first()
        )
        if reviewer is None:
            raise ValidationError(
                {"reviewer": f"“{data['reviewer']}” is not a reviewer who can review this case."}
            )
        form = AssignReviewerForm(
            {
                "reviewer": reviewer.pk,
                "due_date": data.get("due_date") or services.default_due_date(),
            },
            case=case,
        )
        if not form.is_valid():
            raise ValidationError(
                {field: list(messages) for field, messages in form.errors.items()}
            )
        services.assign_reviewer(
            case,
            by=request.user,
            reviewer=form.cleaned_data["reviewer"],
            due_date=form.cleaned_data["due_date"],
        )
        return document_response(request, case, code=status.HTTP_201_CREATED)
