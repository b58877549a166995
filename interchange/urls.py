"""Pages of the interchange app: case downloads (bundles, MIRC documents, citations), imports."""

from django.urls import path

from . import citation_views, export_views, import_views

urlpatterns: list = [
    path(
        "cases/<int:pk>/cite/<slug:citation_format>/",
        citation_views.case_citation,
        name="case-citation",
    ),
    path("cases/<int:pk>/export/<str:format>/", export_views.case_export, name="case-export"),
    path("imports/", import_views.import_job_list, name="import-jobs"),
    path("imports/<int:pk>/", import_views.import_job_detail, name="import-job"),
]
