"""The community endpoints of /api/v1/."""

from django.urls import path  # noqa: F401

urlpatterns = []
