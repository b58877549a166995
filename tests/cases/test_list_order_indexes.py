"""The lists' orders (newest first, most viewed) are read from indexes on PostgreSQL, so the first
page of a large catalogue never sorts every case."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from cases.fulltext import SORT_MOST_VIEWED, SORT_NEWEST, order_cases
from cases.models import Case

pytestmark = pytest.mark.django_db


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database is tiny, so the planner would rather scan and sort it: ask whether
        # an index can give the order at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("sort", "index"),
    [(SORT_NEWEST, "cases_case_newest_idx"), (SORT_MOST_VIEWED, "cases_case_most_viewed_idx")],
)
def test_the_first_page_of_a_list_is_read_in_order_from_an_index(sort, index):
    if connection.vendor != "postgresql":
        pytest.skip("the order indexes are PostgreSQL's (SQLite cannot index NULLS LAST)")
    listed = Case.objects.visible_to(AnonymousUser()).listed()
    plan = plan_of(order_cases(listed, sort)[:20])
    assert index in plan
    assert "Sort" not in plan
