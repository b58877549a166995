"""The study endpoints of /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("unknowns", api.UnknownViewSet, basename="api-unknown")
router.register("attempts", api.AttemptViewSet, basename="api-attempt")

urlpatterns = [
    *router.urls,
    path("review-queue/", api.ReviewQueueList.as_view(), name="api-review-queue"),
    path("progress/", api.Progress.as_view(), name="api-progress"),
]
