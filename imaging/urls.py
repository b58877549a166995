"""Figure pages and files: the images themselves, quarantine decisions, annotations, uploads."""

from django.urls import path

from .views import figures, media, uploads

urlpatterns = [
    path("figures/<int:pk>/thumbnail.jpg", media.figure_image, name="figure-thumbnail"),
    path("figures/<int:pk>/<slug:size>.jpg", media.figure_image, name="figure-image"),
    path(
        "figures/<int:pk>/frames/<int:position>/<slug:preset>.jpg",
        media.figure_frame,
        name="figure-frame",
    ),
    path(
        "figures/<int:pk>/frames/<int:position>/pixels.gz",
        media.figure_pixels,
        name="figure-pixels",
    ),
    path("figures/<int:pk>/dicom.zip", media.figure_dicom, name="figure-dicom"),
    path("figures/<int:pk>/status.json", figures.figure_status_view, name="figure-status"),
    path("figures/<int:pk>/review/", figures.figure_review, name="figure-review"),
    path("figures/<int:pk>/attest/", figures.figure_attest, name="figure-attest"),
    path("figures/<int:pk>/redact/", figures.figure_redact, name="figure-redact"),
    path("figures/<int:pk>/annotate/", figures.figure_annotate, name="figure-annotate"),
    path(
        "cases/<int:pk>/studies/<int:study_pk>/figures/upload/",
        uploads.figure_upload,
        name="figure-upload",
    ),
]
