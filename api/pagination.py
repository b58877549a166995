from django.core.paginator import Paginator as DjangoPaginator
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

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


class CappedCountPaginator(DjangoPaginator):
    """Counts at most `cap` rows past the page asked for, so that a long list is never
    counted in full; `exact` says whether the count reached the end of the list."""

    def __init__(self, object_list, per_page, *, cap: int, page_number: int) -> None:
        super().__init__(object_list, per_page)
        # Enough rows to know that the page asked for, and one after it, exist.
        self.limit = max(cap, page_number * per_page) + 1
        self.exact = True

    @cached_property
    def count(self) -> int:
        # Without the order: the rows counted are the same, and no sort is needed to cut them.
        counted = self.object_list.order_by().values("pk")[: self.limit].count()
        self.exact = counted < self.limit
        return counted


class CappedCountPagination(Pagination):
    """Pages of a list that can grow very long: unfiltered, it is counted only up to
    `count_cap` rows (past the page asked for), and `count_exact` is false when there are more;
    filtered (any query parameter but the page, its size and the order), it is counted exactly.
    """

    count_cap = 10_000
    # Parameters that leave the rows of the list as they are.
    unfiltering_parameters = frozenset({"page", "page_size", "ordering", "format"})

    def paginate_queryset(self, queryset, request, view=None):
        self.capped = set(request.query_params) <= self.unfiltering_parameters
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        try:
            page_number = max(int(self.request.query_params.get(self.page_query_param, 1)), 1)
        except ValueError:
            self.capped = False  # the last page, say, is only known by counting them all
        if not self.capped:
            return DjangoPaginator(object_list, per_page)
        return CappedCountPaginator(
            object_list, per_page, cap=self.count_cap, page_number=page_number
        )

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = getattr(self.page.paginator, "exact", True)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when the list is not filtered and longer than "
            f"{self.count_cap:,} rows past the page asked for: `count` then says how many "
            "were counted (there are more), and `next` keeps going to the end.",
        }
        paginated["required"].append("count_exact")
        return paginated
