"""`python manage.py make_pixel_frames [--figure ID …]`

Gives the slices of figures processed before the viewer windowed in the browser their pixel
files (imaging/pixels.py), made from each slice's de-identified (and, if redacted, redacted)
DICOM: never from the upload. Slices that already have one are left alone, so the command may
be run again at any time; until a slice has its file the viewer shows its rendered pictures.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from imaging.pixel_backfill import make_missing_pixel_frames


class Command(BaseCommand):
    help = (
        "Make the pixel files the viewer windows in the browser for slices processed before "
        "it did, from their de-identified DICOM. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--figure", type=int, action="append", dest="figures", help="Only this figure."
        )

    def handle(self, *args, figures: list[int] | None = None, **options) -> None:
        made, failed = make_missing_pixel_frames(figures)
        self.stdout.write(f"Made the pixel files of {made} slice(s).")
        if failed:
            self.stderr.write(f"{failed} figure(s) could not be read; they keep their renders.")
