"""/api/v1/ routes of the figures of a case: upload, read, change, remove, and decide on held
images."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:case_id>/figures/", views.FigureList.as_view(), name="api-figure-list"),
    path(
        "cases/<int:case_id>/figures/<int:figure_id>/",
        views.FigureDetail.as_view(),
        name="api-figure-detail",
    ),
    path(
        "cases/<int:case_id>/figures/<int:figure_id>/attest-clean/",
        views.AttestClean.as_view(),
        name="api-figure-attest-clean",
    ),
    path(
        "cases/<int:case_id>/figures/<int:figure_id>/redact/",
        views.Redact.as_view(),
        name="api-figure-redact",
    ),
]
