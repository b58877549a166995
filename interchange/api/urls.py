"""/api/v1/ addresses of the interchange app: exports, citations and import jobs."""

from django.urls import path

from . import citations, exports, imports

urlpatterns: list = [
    path(
        "cases/<int:id>/citation/",
        citations.CaseCitation.as_view(),
        name="api-case-citation",
    ),
    path("cases/<int:id>/export/", exports.CaseExport.as_view(), name="api-case-export"),
    path("imports/", imports.ImportJobList.as_view(), name="api-import-list"),
    path("imports/<str:pk>/", imports.ImportJobDetail.as_view(), name="api-import-detail"),
]
