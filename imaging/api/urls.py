"""The studies and figures of a case: /api/v1/cases/<id>/studies/… and …/figures/…"""

from django.urls import path

from . import figures, studies

urlpatterns = [
    path("cases/<int:case_id>/studies/", studies.StudyList.as_view(), name="api-study-list"),
    path(
        "cases/<int:case_id>/studies/<int:study_id>/",
        studies.StudyDetail.as_view(),
        name="api-study-detail",
    ),
    path("cases/<int:case_id>/figures/", figures.FigureList.as_view(), name="api-figure-list"),
    path(
        "cases/<int:case_id>/figures/<int:figure_id>/",
        figures.FigureDetail.as_view(),
        name="api-figure-detail",
    ),
    path(
        "cases/<int:case_id>/figures/<int:figure_id>/attest-clean/",
        figures.AttestClean.as_view(),
        name="api-figure-attest-clean",
    ),
    path(
        "cases/<int:case_id>/figures/<int:figure_id>/redact/",
        figures.Redact.as_view(),
        name="api-figure-redact",
    ),
]
