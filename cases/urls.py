"""The case pages: reading, the editor and the history of revisions.

`cases/<pk>/<slug>/` (a case's page) would match any one word after a case's id, so its slug
converter refuses the words other pages use there: it shadows no pattern here or in another
app's `urls.py`, whatever order they are included in.
"""

from django.urls import path, register_converter

from . import editor_views, history_views, views

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
    path("cases/<int:pk>/", views.case_permalink, name="case-permalink"),
    path("cases/<int:pk>/<case_slug:slug>/", views.case_detail, name="case-detail"),
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


urlpatterns = [*reading, *editor, *history]
