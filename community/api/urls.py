"""The community endpoints of /api/v1/."""

from django.urls import path  # noqa: F401

from . import comments, moderation, role_requests

urlpatterns = []

# Comments and reports.
urlpatterns += [
    path(
        "cases/<int:case_id>/comments/",
        comments.CaseCommentList.as_view(),
        name="api-case-comment-list",
    ),
    path("cases/<int:case_id>/flag/", comments.CaseFlag.as_view(), name="api-case-flag"),
    path("comments/<int:pk>/", comments.CommentDetail.as_view(), name="api-comment-detail"),
    path("comments/<int:pk>/flag/", comments.CommentFlag.as_view(), name="api-comment-flag"),
]

# Moderation (moderators only)
urlpatterns += [
    path("moderation/flags/", moderation.FlagListView.as_view(), name="api-moderation-flags"),
    path(
        "moderation/flags/<str:pk>/dismiss/",
        moderation.DismissFlagView.as_view(),
        name="api-moderation-flag-dismiss",
    ),
    path(
        "moderation/comments/<str:pk>/hide/",
        moderation.HideCommentView.as_view(),
        name="api-moderation-comment-hide",
    ),
    path(
        "moderation/comments/<str:pk>/restore/",
        moderation.RestoreCommentView.as_view(),
        name="api-moderation-comment-restore",
    ),
    path(
        "moderation/comments/<str:pk>/delete/",
        moderation.DeleteCommentView.as_view(),
        name="api-moderation-comment-delete",
    ),
    path(
        "moderation/cases/<str:pk>/unpublish/",
        moderation.UnpublishCaseView.as_view(),
        name="api-moderation-case-unpublish",
    ),
    path(
        "moderation/users/<str:pk>/suspend/",
        moderation.SuspendUserView.as_view(),
        name="api-moderation-user-suspend",
    ),
    path(
        "moderation/users/<str:pk>/reinstate/",
        moderation.ReinstateUserView.as_view(),
        name="api-moderation-user-reinstate",
    ),
    path(
        "moderation/actions/",
        moderation.ModerationActionListView.as_view(),
        name="api-moderation-actions",
    ),
]

# Requests for the author role.
urlpatterns += [
    path(
        "author-role-requests/",
        role_requests.AuthorRoleRequestList.as_view(),
        name="api-author-role-request-list",
    ),
    path(
        "author-role-requests/<str:pk>/",
        role_requests.AuthorRoleRequestDetail.as_view(),
        name="api-author-role-request-detail",
    ),
    path(
        "author-role-requests/<str:pk>/approve/",
        role_requests.ApproveAuthorRoleRequest.as_view(),
        name="api-author-role-request-approve",
    ),
    path(
        "author-role-requests/<str:pk>/decline/",
        role_requests.DeclineAuthorRoleRequest.as_view(),
        name="api-author-role-request-decline",
    ),
]
