"""The community endpoints of /api/v1/."""

from django.urls import path  # noqa: F401

from . import comment_api, moderation_api

urlpatterns = []

# Comments and reports.
urlpatterns += [
    path(
        "cases/<int:case_id>/comments/",
        comment_api.CaseCommentList.as_view(),
        name="api-case-comment-list",
    ),
    path("cases/<int:case_id>/flag/", comment_api.CaseFlag.as_view(), name="api-case-flag"),
    path("comments/<int:pk>/", comment_api.CommentDetail.as_view(), name="api-comment-detail"),
    path("comments/<int:pk>/flag/", comment_api.CommentFlag.as_view(), name="api-comment-flag"),
]

# Moderation (moderators only)
urlpatterns += [
    path("moderation/flags/", moderation_api.FlagListView.as_view(), name="api-moderation-flags"),
    path(
        "moderation/flags/<str:pk>/dismiss/",
        moderation_api.DismissFlagView.as_view(),
        name="api-moderation-flag-dismiss",
    ),
    path(
        "moderation/comments/<str:pk>/hide/",
        moderation_api.HideCommentView.as_view(),
        name="api-moderation-comment-hide",
    ),
    path(
        "moderation/comments/<str:pk>/restore/",
        moderation_api.RestoreCommentView.as_view(),
        name="api-moderation-comment-restore",
    ),
    path(
        "moderation/comments/<str:pk>/delete/",
        moderation_api.DeleteCommentView.as_view(),
        name="api-moderation-comment-delete",
    ),
    path(
        "moderation/cases/<str:pk>/unpublish/",
        moderation_api.UnpublishCaseView.as_view(),
        name="api-moderation-case-unpublish",
    ),
    path(
        "moderation/users/<str:pk>/suspend/",
        moderation_api.SuspendUserView.as_view(),
        name="api-moderation-user-suspend",
    ),
    path(
        "moderation/users/<str:pk>/reinstate/",
        moderation_api.ReinstateUserView.as_view(),
        name="api-moderation-user-reinstate",
    ),
    path(
        "moderation/actions/",
        moderation_api.ModerationActionListView.as_view(),
        name="api-moderation-actions",
    ),
]
