"""Template helpers of the bookmark and collection pages, and the case page's controls."""

from __future__ import annotations

from django import template
from django.db.models import Exists, OuterRef

from cases.models import Case, Figure, Study
from imaging.viewer import viewer_data

from ..models import Bookmark, Collection, CollectionItem

register = template.Library()

# The case page offers the collections used most recently; the others are one click away.
COLLECTIONS_ON_CASE_PAGE = 50


@register.inclusion_tag("bookmarks/_case_actions.html", takes_context=True)
def collection_actions(context, case: Case) -> dict:
    """The case page's bookmark toggle and "Add to collection", in two queries."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    bookmarked = Bookmark.objects.filter(user=user, case=case).exists()
    collections = list(
        Collection.objects.owned_by(user)
        .annotate(
            has_case=Exists(
                CollectionItem.objects.filter(collection=OuterRef("pk"), case_id=case.pk)
            )
        )
        .only("pk", "title")
        .order_by("-updated_at", "-pk")[:COLLECTIONS_ON_CASE_PAGE]
    )
    return {
        "show": True,
        "case": case,
        "bookmarked": bookmarked,
        "collections": collections,
        "can_add": any(not collection.has_case for collection in collections),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int) -> str:
    """`?…` of the current address with `param` set to `number` (for two lists on one page)."""
    query = context["request"].GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


@register.filter
def unknown_viewer_data(figure: Figure, study: Study) -> dict:
    """A figure as the unknown shows it: its label and the modality, nothing that names the
    answer (no caption, no alt text written by the author, no annotations)."""
    data = viewer_data(figure)
    neutral = ", ".join(part for part in [figure.label, study.get_modality_display()] if part)
    data.update(caption="", alt=f"Image: {neutral}", annotations=[])
    return data
