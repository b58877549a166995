"""Who read which published case on which day: the rows behind the "most viewed" order.

The counting is in cases/viewing.py; the table keeps the name it was created with in the search
app.
"""

from __future__ import annotations

from django.db import models


class CaseView(models.Model):
    """One reader of one published case on one day.

        `viewer` is a hash keyed with a salt that changes every day (cases/viewing.py), so a reader
        is counted once a day and nobody can be followed from one day to the next; no address is
        stored. The unique constraint makes counting safe when two requests race. `folded` says
    whether the view is in `Case.view_count` yet.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    viewer = models.CharField(max_length=64)
    folded = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Added to the case's view count (cases/viewing.py folds new views in).",
    )

    class Meta:
        db_table = "search_caseview"
        constraints = [
            models.UniqueConstraint(fields=["case", "day", "viewer"], name="one_view_per_day"),
        ]
        indexes = [
            models.Index(fields=["day"], name="search_caseview_day_idx"),
            # Only the views still to be folded: the fold reads them without scanning the rest.
            models.Index(
                fields=["id"], condition=models.Q(folded=False), name="caseview_to_fold_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id} viewed on {self.day}"
