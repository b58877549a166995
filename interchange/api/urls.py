"""/api/v1/ addresses of the interchange app: exports, citations and import jobs."""

from django.urls import path

from . import citation_api, import_api

urlpatterns: list = [
    path(
        "cases/<int:id>/citation/",
        citation_api.CaseCitation.as_view(),
        name="api-case-citation",
    ),
    path("imports/", import_api.ImportJobList.as_view(), name="api-import-list"),
    path("imports/<str:pk>/", import_api.ImportJobDetail.as_view(), name="api-import-detail"),
]
