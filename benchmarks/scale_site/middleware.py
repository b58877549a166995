"""How many queries a request made, in the `X-Query-Count` header of its answer."""

from django.db import connection

QUERY_COUNT_HEADER = "X-Query-Count"


def count_queries(get_response):
    def middleware(request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response

    return middleware
