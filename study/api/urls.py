"""The study endpoints of /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("unknowns", views.UnknownViewSet, basename="api-unknown")
router.register("attempts", views.AttemptViewSet, basename="api-attempt")

urlpatterns = [
    *router.urls,
    path("review-queue/", views.ReviewQueueList.as_view(), name="api-review-queue"),
    path("progress/", views.Progress.as_view(), name="api-progress"),
]
