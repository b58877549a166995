import hashlib
import json

from django.core.cache import cache
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages with the total count and links to the next and previous pages."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        # DRF quietly falls back to the default for a nonsense page_size; say so instead.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                size = 0
            if not 1 <= size <= self.max_page_size:
                raise ValidationError(
                    {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
                )
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        # DRF reads an empty `page` as the first and a repeated one as its last value; the
        # schema promises a number (or "last"), once.
        given = request.query_params.getlist(self.page_query_param)
        if len(given) > 1 or given == [""]:
            raise ValidationError({self.page_query_param: ["Give one page number."]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                # A number from 1, or "last" (DRF's `last_page_strings`) for the last page.
                parameter["schema"] = {
                    "anyOf": [
                        {"type": "integer", "minimum": 1},
                        {"type": "string", "enum": list(self.last_page_strings)},
                    ]
                }
        return parameters


def planner_estimate(connection, sql: str, params) -> int | None:
    """How many rows PostgreSQL's planner expects the query to give (from its statistics, in
    well under a millisecond), or None on a database that cannot say."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


# How long a kept count may answer; a new version of the rows makes a new key before that.
COUNT_TIMEOUT = 60 * 60


class CappedCountPaginator(DjangoPaginator):
    """Counts the rows only up to `cap` past the page asked for; a longer list is then
    estimated (on PostgreSQL) or counted in full (elsewhere). `exact` says which it was."""

    def __init__(
        self, object_list, per_page, *, cap: int, page_number: int, version: str | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        # Enough rows to know that the page asked for, and one after it, exist.
        self.limit = max(cap, page_number * per_page) + 1
        self.exact = True
        self.version = version

    @cached_property
    def count(self) -> int:
        # Without the order: the rows counted are the same, and no sort is needed to cut them.
        rows = self.object_list.order_by().values("pk")
        # Compiled once, for the count, the estimate and the key they are kept under.
        sql, params = rows.query.sql_with_params()
        if self.version is None:
            return self._count(rows, sql, params)
        # The SQL holds the reader's visibility rule, so readers who may see different rows
        # never share a count; the version changes whenever the rows may have.
        digest = hashlib.sha256(repr((sql, params, self.limit)).encode()).hexdigest()[:32]
        key = f"list-count:{self.version}:{digest}"
        kept = cache.get(key)
        if kept is not None:
            counted, self.exact = kept
            return counted
        counted = self._count(rows, sql, params)
        cache.set(key, (counted, self.exact), COUNT_TIMEOUT)
        return counted

    def _count(self, rows, sql: str, params) -> int:
        connection = connections[rows.db]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {self.limit:d}) AS listed", params)
            counted = cursor.fetchone()[0]
        if counted < self.limit:
            return counted  # the end of the list was reached: exact
        estimate = planner_estimate(connection, sql, params)
        if estimate is None:
            return rows.count()
        self.exact = False
        # Never fewer than were counted, so that the pages counted are always reachable.
        return max(estimate, counted)


class CappedCountPagination(Pagination):
    """Pages of a list that can grow very long. Unfiltered, it is counted only up to
    `count_cap` rows past the page asked for, and a longer one is estimated (`count_exact` is
    then false); filtered (any query parameter but the page, its size and the order), it is
    counted exactly, as are lists on databases other than PostgreSQL."""

    count_cap = 1_000
    # Parameters that leave the rows of the list as they are.
    unfiltering_parameters = frozenset({"page", "page_size", "ordering", "format"})

    def paginate_queryset(self, queryset, request, view=None):
        self.capped = set(request.query_params) <= self.unfiltering_parameters
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        try:
            page_number = max(int(self.request.query_params.get(self.page_query_param, 1)), 1)
        except ValueError:
            self.capped = False  # the last page, say, is only known by counting them all
        if not self.capped:
            return DjangoPaginator(object_list, per_page)
        # A view may name the version of its rows (a case list: the catalogue's), under which
        # the count is kept in the shared cache.
        list_version = getattr(self.view, "list_version", None)
        return CappedCountPaginator(
            object_list,
            per_page,
            cap=self.count_cap,
            page_number=page_number,
            version=list_version() if list_version else None,
        )

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = getattr(self.page.paginator, "exact", True)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when `count` is an estimate: for a list without filters "
            f"that goes on for more than {self.count_cap:,} rows past this page, the "
            "database's estimate of its length (never less than the rows up to the next "
            "page). `next` and `previous` are exact.",
        }
        paginated["required"].append("count_exact")
        return paginated
