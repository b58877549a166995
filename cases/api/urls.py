"""/api/v1/ routes of the case resource: cases, their studies and revisions, tags and licences."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import cases, reference, revisions, studies

router = SimpleRouter()
router.register("cases", cases.CaseViewSet, basename="api-case")
router.register(
    r"cases/(?P<case_id>[^/]+)/revisions", revisions.RevisionViewSet, basename="api-revision"
)

urlpatterns = [
    *router.urls,
    path("cases/<int:case_id>/studies/", studies.StudyList.as_view(), name="api-study-list"),
    path(
        "cases/<int:case_id>/studies/<int:study_id>/",
        studies.StudyDetail.as_view(),
        name="api-study-detail",
    ),
    path("tags/", reference.TagList.as_view(), name="api-tag-list"),
    path("licences/", reference.LicenceList.as_view(), name="api-licence-list"),
]
