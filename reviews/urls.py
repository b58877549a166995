"""The reviewer's pages, the editorial page of a case with its actions, and the working
dashboards of authors, reviewers and editors."""

from django.urls import path

from . import dashboards, editorial_views, views

urlpatterns = [
    path("cases/mine/", dashboards.my_cases, name="my-cases"),
    path("reviews/", dashboards.reviewer_dashboard, name="reviewer-dashboard"),
    path("editor/", dashboards.editor_dashboard, name="editor-dashboard"),
    path("cases/<int:pk>/editorial/", editorial_views.case_editorial, name="case-editorial"),
    path(
        "cases/<int:pk>/editorial/reviewers/",
        editorial_views.assign_reviewer,
        name="case-assign-reviewer",
    ),
    path(
        "cases/<int:pk>/editorial/reviews/<int:review_pk>/cancel/",
        editorial_views.cancel_review,
        name="case-cancel-review",
    ),
    path(
        "cases/<int:pk>/editorial/reviews/<int:review_pk>/answer/",
        editorial_views.answer_review,
        name="case-answer-review",
    ),
    path(
        "cases/<int:pk>/editorial/commentaries/<int:commentary_pk>/verify/",
        editorial_views.verify_commentary,
        name="case-verify-commentary",
    ),
    # Before editorial/<slug:action>/, which would otherwise take "delete" for an action.
    path(
        "cases/<int:pk>/editorial/delete/",
        editorial_views.delete_draft,
        name="case-delete",
    ),
    path(
        "cases/<int:pk>/editorial/<slug:action>/",
        editorial_views.case_action,
        name="case-action",
    ),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/decline/", views.decline, name="review-decline"),
]
