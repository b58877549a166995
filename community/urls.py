from django.urls import path  # noqa: F401

from . import comment_views, moderation_views, role_request_views

urlpatterns = []

# Moderation: the queue of reports, the log, a member's page, and the actions with their
# confirmation pages.
urlpatterns += [
    path("moderation/", moderation_views.moderation_queue, name="moderation-queue"),
    path("moderation/log/", moderation_views.moderation_log, name="moderation-log"),
    path(
        "moderation/users/<int:pk>/", moderation_views.moderation_member, name="moderation-member"
    ),
    path(
        "moderation/users/<int:pk>/<slug:action>/",
        moderation_views.member_action,
        name="moderation-member-action",
    ),
    path(
        "moderation/comments/<int:pk>/<slug:action>/",
        moderation_views.comment_action,
        name="moderation-comment-action",
    ),
    path(
        "moderation/cases/<int:pk>/<slug:action>/",
        moderation_views.case_action,
        name="moderation-case-action",
    ),
]

# Comments on published cases and reports of comments and cases.
urlpatterns += [
    path("cases/<int:pk>/comments/", comment_views.comment_create, name="comment-create"),
    path("cases/<int:pk>/flag/", comment_views.case_flag, name="case-flag"),
    path("comments/<int:pk>/edit/", comment_views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", comment_views.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/flag/", comment_views.comment_flag, name="comment-flag"),
]

# Asking for the author role, and the editors' list of requests.
urlpatterns += [
    path(
        "author-role/request/",
        role_request_views.author_role_request,
        name="author-role-request",
    ),
    path(
        "author-role/requests/",
        role_request_views.author_role_request_list,
        name="author-role-request-list",
    ),
    path(
        "author-role/requests/<int:pk>/<slug:decision>/",
        role_request_views.author_role_decision,
        name="author-role-decision",
    ),
]
