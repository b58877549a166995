from django.urls import path

from . import figure_views, media_views

urlpatterns = [
    path("figures/<int:pk>/thumbnail.jpg", media_views.figure_image, name="figure-thumbnail"),
    path("figures/<int:pk>/<slug:size>.jpg", media_views.figure_image, name="figure-image"),
    path(
        "figures/<int:pk>/frames/<int:position>/<slug:preset>.jpg",
        media_views.figure_frame,
        name="figure-frame",
    ),
    path("figures/<int:pk>/dicom.zip", media_views.figure_dicom, name="figure-dicom"),
    path("figures/<int:pk>/status.json", figure_views.figure_status_view, name="figure-status"),
    path("figures/<int:pk>/review/", figure_views.figure_review, name="figure-review"),
    path("figures/<int:pk>/attest/", figure_views.figure_attest, name="figure-attest"),
    path("figures/<int:pk>/redact/", figure_views.figure_redact, name="figure-redact"),
    path("figures/<int:pk>/annotate/", figure_views.figure_annotate, name="figure-annotate"),
]
