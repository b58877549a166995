"""The editorial page of a case and its actions, and the working dashboards."""

from django.urls import path

from . import dashboards, views

urlpatterns = [
    path("cases/mine/", dashboards.my_cases, name="my-cases"),
    path("reviews/", dashboards.reviewer_dashboard, name="reviewer-dashboard"),
    path("editor/", dashboards.editor_dashboard, name="editor-dashboard"),
    path("cases/<int:pk>/editorial/", views.case_editorial, name="case-editorial"),
    path(
        "cases/<int:pk>/editorial/reviewers/",
        views.assign_reviewer,
        name="case-assign-reviewer",
    ),
    path(
        "cases/<int:pk>/editorial/reviews/<int:review_pk>/cancel/",
        views.cancel_review,
        name="case-cancel-review",
    ),
    path(
        "cases/<int:pk>/editorial/reviews/<int:review_pk>/answer/",
        views.answer_review,
        name="case-answer-review",
    ),
    path(
        "cases/<int:pk>/editorial/commentaries/<int:commentary_pk>/verify/",
        views.verify_commentary,
        name="case-verify-commentary",
    ),
    path(
        "cases/<int:pk>/editorial/delete/",
        views.delete_draft,
        name="case-delete",
    ),
    path(
        "cases/<int:pk>/editorial/<slug:action>/",
        views.case_action,
        name="case-action",
    ),
]
