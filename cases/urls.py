"""The case pages: reading, browsing, the editor, dashboards, history and the editorial workflow.

`cases/<pk>/<slug>/` (a case's page) would match any one word after a case's id, so its slug
converter refuses the words other pages use there: it shadows no pattern here or in another
app's `urls.py`, whatever order they are included in.
"""

from django.urls import path, register_converter

from . import dashboard_views, editor_views, history_views, views, workflow_views

# One-word pages under cases/<pk>/, of this app and of others (community, study).
RESERVED_CASE_WORDS = frozenset(
    {"comments", "edit", "editorial", "flag", "history", "preview", "revise", "unknown"}
)


class CaseSlugConverter:
    """A case's slug, but never one of the words above: those addresses are other pages.

    Refused in `to_python`, not in the regex, so that reversing a case whose slug happens to
    be such a word still gives an address, as it always did.
    """

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        if value in RESERVED_CASE_WORDS:
            raise ValueError(f"{value!r} names another page of the case")
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CaseSlugConverter, "case_slug")

reading = [
    path("", views.home, name="home"),
    path("cases/", views.browse, name="browse"),
    path("cases/<int:pk>/", views.case_permalink, name="case-permalink"),
    path("cases/<int:pk>/<case_slug:slug>/", views.case_detail, name="case-detail"),
]

dashboards = [
    path("cases/mine/", dashboard_views.my_cases, name="my-cases"),
    path("reviews/", dashboard_views.reviewer_dashboard, name="reviewer-dashboard"),
    path("editor/", dashboard_views.editor_dashboard, name="editor-dashboard"),
]

editor = [
    path("cases/new/", editor_views.case_create, name="case-create"),
    path("cases/<int:pk>/edit/", editor_views.case_edit, name="case-edit"),
    path("cases/<int:pk>/edit/<slug:part>/", editor_views.case_edit, name="case-edit-part"),
    path("cases/<int:pk>/preview/", editor_views.case_preview, name="case-preview"),
    path("cases/<int:pk>/revise/", editor_views.case_revise, name="case-revise"),
]

history = [
    path("cases/<int:pk>/history/", history_views.case_history, name="case-history"),
    path(
        "cases/<int:pk>/history/compare/",
        history_views.revision_diff,
        name="case-revision-diff",
    ),
]

workflow = [
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
    # Before editorial/<slug:action>/, which would otherwise take "delete" for an action.
    path("cases/<int:pk>/editorial/delete/", workflow_views.delete_draft, name="case-delete"),
    path(
        "cases/<int:pk>/editorial/<slug:action>/",
        workflow_views.case_action,
        name="case-action",
    ),
]

urlpatterns = [*reading, *dashboards, *editor, *history, *workflow]
