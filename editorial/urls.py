from django.urls import path

from . import workflow_views

urlpatterns = [
    path("cases/<int:pk>/editorial/", workflow_views.case_editorial, name="case-editorial"),
    path(
        "cases/<int:pk>/editorial/reviewers/",
        workflow_views.assign_reviewer,
        name="case-assign-reviewer",
    ),
    path(
        "cases/<int:pk>/editorial/reviews/<int:review_pk>/cancel/",
        workflow_views.cancel_review,
        name="case-cancel-review",
    ),
    path(
        "cases/<int:pk>/editorial/reviews/<int:review_pk>/answer/",
        workflow_views.answer_review,
        name="case-answer-review",
    ),
    path(
        "cases/<int:pk>/editorial/commentaries/<int:commentary_pk>/verify/",
        workflow_views.verify_commentary,
        name="case-verify-commentary",
    ),
    path(
        "cases/<int:pk>/editorial/delete/",
        workflow_views.delete_draft,
        name="case-delete",
    ),
    path(
        "cases/<int:pk>/editorial/<slug:action>/",
        workflow_views.case_action,
        name="case-action",
    ),
]
