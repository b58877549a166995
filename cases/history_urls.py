from django.urls import path

from . import history_views

urlpatterns = [
    path("cases/<int:pk>/history/", history_views.case_history, name="case-history"),
    path(
        "cases/<int:pk>/history/compare/",
        history_views.revision_diff,
        name="case-revision-diff",
    ),
]
