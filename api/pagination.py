from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages with the total count and links to the next and previous pages."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
