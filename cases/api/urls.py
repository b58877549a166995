"""Routes of /api/v1/ for reviews, revisions, notifications, tags, licences and the caller."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import me, notifications, reference, reviews, revisions

router = SimpleRouter()
router.register("reviews", reviews.ReviewViewSet, basename="api-review")
router.register(
    r"cases/(?P<case_id>[^/]+)/revisions", revisions.RevisionViewSet, basename="api-revision"
)
router.register("notifications", notifications.NotificationViewSet, basename="api-notification")

urlpatterns = [
    *router.urls,
    path("tags/", reference.TagList.as_view(), name="api-tag-list"),
    path("licences/", reference.LicenceList.as_view(), name="api-licence-list"),
    path("me/", me.Me.as_view(), name="api-me"),
]
