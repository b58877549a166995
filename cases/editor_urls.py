"""The case editor's pages. Included before `cases.urls`, whose `cases/<pk>/<slug>/` would
otherwise take `cases/<pk>/edit/` and the like for a case's slug."""

from django.urls import path

from . import editor_views

urlpatterns = [
    path("cases/new/", editor_views.case_create, name="case-create"),
    path("cases/<int:pk>/edit/", editor_views.case_edit, name="case-edit"),
    path("cases/<int:pk>/edit/<slug:part>/", editor_views.case_edit, name="case-edit-part"),
    path("cases/<int:pk>/preview/", editor_views.case_preview, name="case-preview"),
    path("cases/<int:pk>/revise/", editor_views.case_revise, name="case-revise"),
]
