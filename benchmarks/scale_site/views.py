"""The baselines: the least Django can do for a request, through the same middleware."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.http import HttpResponse, JsonResponse

from cases.models import Case

PAGE_SIZE = 20
# The fields of a row of GET /api/v1/cases/ that are plain columns (as benchmarks/api_benchmark.py).
LIST_FIELDS = (
    "id",
    "title",
    "case_type",
    "status",
    "visibility",
    "version",
    "difficulty",
    "in_unknown_mode",
    "created_at",
    "updated_at",
    "published_at",
)


def bare(request):
    """No query and no template: what the middleware alone costs."""
    return HttpResponse("<!doctype html><title>Bare</title><p>A bare view.</p>")


def case_list_by_hand(request):
    """The API's first page written by hand: the same rows, order and page size, `values()`
    straight to `JsonResponse`. No count: a list should cost what its 20 rows cost, however
    many cases there are."""
    user = getattr(request, "user", None) or AnonymousUser()
    cases = Case.objects.visible_to(user).in_lists_for(user)
    ordered = cases.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
    return JsonResponse({"results": list(ordered.values(*LIST_FIELDS)[:PAGE_SIZE])})


def case_by_primary_key(request, pk: int):
    """One primary-key lookup: the floor a search is compared with."""
    case = Case.objects.get(pk=pk)
    return HttpResponse(case.title, content_type="text/plain; charset=utf-8")
