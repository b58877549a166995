from django.urls import path

from . import dashboard_views

urlpatterns = [
    path("cases/mine/", dashboard_views.my_cases, name="my-cases"),
    path("reviews/", dashboard_views.reviewer_dashboard, name="reviewer-dashboard"),
    path("editor/", dashboard_views.editor_dashboard, name="editor-dashboard"),
]
