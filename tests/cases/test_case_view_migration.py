"""Daily case views moved from the search app to the cases app: an existing database keeps them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import CaseView
from tests.factories import make_case

BEFORE_THE_MOVE = [("cases", "0007_case_facet_values"), ("search", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_daily_case_views_counted_before_the_move_are_kept():
    case = make_case(title="Osteoid osteoma")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    old_apps = executor.loader.project_state(BEFORE_THE_MOVE).apps
    OldCaseView = old_apps.get_model("search", "CaseView")
    OldCaseView.objects.create(case_id=case.pk, day=datetime.date(2026, 11, 2), viewer="a" * 64)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    view = CaseView.objects.get()
    assert (view.case_id, view.day, view.viewer) == (case.pk, datetime.date(2026, 11, 2), "a" * 64)
    assert view.folded  # counted when it was made: the fold must not add it a second time
    assert case.daily_views.count() == 1
    assert CaseView._meta.db_table == OldCaseView._meta.db_table == "search_caseview"
