"""/api/v1/ addresses of the interchange app: exports, citations and import jobs."""

from django.urls import path

urlpatterns: list = []
