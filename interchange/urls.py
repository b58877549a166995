"""Pages of the interchange app: case downloads (bundles, MIRC documents, citations)."""

from django.urls import path

urlpatterns: list = []
