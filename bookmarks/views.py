"""Bookmark and collection pages. Thin: find what the person may see, call a service, render.

Cases are read through `Case.objects.visible_to(user)`; a collection someone may not open, or
may not change, is a 404 to them (never a 403: whether it exists is not theirs to know).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cases.lookups import readable_case_or_404
from cases.models import Case

from . import services
from .forms import AddToCollectionForm, CollectionForm, ItemNoteForm, MoveItemForm
from .models import Bookmark, Collection, CollectionItem

BOOKMARKS_PER_PAGE = 20
COLLECTIONS_PER_PAGE = 20
ITEMS_PER_PAGE = 50


def _page(request, queryset, per_page: int, param: str = "page"):
    # A page number that is not a number or out of range shows the first or last page.
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get(param))
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _case_from_post(request) -> Case:
    """The case named in the form, if this person may read it (else 404)."""
    return readable_case_or_404(request.user, request.POST.get("case", ""))


def _with_cards(items):
    """Items with what their case card shows, in a fixed number of queries."""
    return items.prefetch_related(Prefetch("case", queryset=Case.objects.with_card_data()))


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# Bookmarks --------------------------------------------------------------------------------------


@login_required
def bookmark_list(request):
    page, page_range = _page(
        request, _with_cards(Bookmark.objects.of(request.user)), BOOKMARKS_PER_PAGE
    )
    return render(request, "bookmarks/bookmark_list.html", {"page": page, "page_range": page_range})


def _bookmark_answer(request, case: Case, bookmarked: bool, message: str):
    # Asked by static/js/collections.js, which updates the button without a new page.
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"bookmarked": bookmarked, "message": message})
    messages.success(request, message)
    return redirect(_safe_next(request, case.get_absolute_url()))


@login_required
@require_POST
def bookmark_add(request):
    case = _case_from_post(request)
    services.bookmark_case(user=request.user, case=case)
    return _bookmark_answer(request, case, True, f"“{case.title}” is in your bookmarks.")


@login_required
@require_POST
def bookmark_remove(request):
    case = _case_from_post(request)
    services.remove_bookmark(user=request.user, case=case)
    return _bookmark_answer(
        request, case, False, f"“{case.title}” was removed from your bookmarks."
    )


# Collections ------------------------------------------------------------------------------------


def collection_list(request):
    user = request.user
    mine = None
    if user.is_authenticated:
        mine, mine_range = _page(
            request,
            Collection.objects.owned_by(user).with_case_counts(user).order_by("-updated_at", "-pk"),
            COLLECTIONS_PER_PAGE,
        )
    public = Collection.objects.filter(visibility=Collection.Visibility.PUBLIC)
    if user.is_authenticated:
        public = public.exclude(owner=user)
    public_page, public_range = _page(
        request,
        public.select_related("owner").with_case_counts(user).order_by("-updated_at", "-pk"),
        COLLECTIONS_PER_PAGE,
        param="public_page",
    )
    return render(
        request,
        "bookmarks/collection_list.html",
        {
            "mine": mine,
            "mine_range": mine_range if mine is not None else [],
            "public_page": public_page,
            "public_range": public_range,
        },
    )


def _own_collection(request, pk: int) -> Collection:
    """A collection of the signed-in person; everyone else's is a 404 here."""
    return get_object_or_404(Collection.objects.owned_by(request.user), pk=pk)


def _own_item(request, pk: int, item_pk: int) -> CollectionItem:
    return get_object_or_404(
        CollectionItem.objects.select_related("collection", "case").filter(
            collection__in=Collection.objects.owned_by(request.user)
        ),
        collection_id=pk,
        pk=item_pk,
    )


@login_required
def collection_create(request):
    case = None
    if request.GET.get("case") or request.POST.get("case"):
        raw = request.POST.get("case") or request.GET.get("case")
        case = readable_case_or_404(request.user, raw)
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                collection = services.create_collection(owner=request.user, **form.cleaned_data)
                if case is not None:
                    services.add_to_collection(collection=collection, case=case, by=request.user)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            if case is not None:
                messages.success(request, f"Collection created, with “{case.title}” in it.")
            else:
                messages.success(request, "Collection created.")
            return redirect(collection)
    return render(
        request,
        "bookmarks/collection_form.html",
        {"form": form, "case": case, "creating": True},
    )


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _detail(request, collection: Collection, *, via_link: bool):
    viewer = request.user
    is_owner = collection.is_owned_by(viewer) and not via_link
    items = _with_cards(collection.items_shown_to(viewer))
    page, page_range = _page(request, items, ITEMS_PER_PAGE)
    hidden_count = 0
    if collection.is_owned_by(viewer):
        hidden_count = collection.items.count() - page.paginator.count
    return render(
        request,
        "bookmarks/collection_detail.html",
        {
            "collection": collection,
            "page": page,
            "page_range": page_range,
            "is_owner": is_owner,
            "owns_it": collection.is_owned_by(viewer),
            "via_link": via_link,
            "hidden_count": hidden_count,
            "present_url": (
                reverse("collection-shared-present", args=[collection.share_token])
                if via_link
                else reverse("collection-present", args=[collection.pk])
            ),
        },
    )


def collection_detail(request, pk: int):
    collection = get_object_or_404(
        Collection.objects.visible_to(request.user).select_related("owner"), pk=pk
    )
    return _detail(request, collection, via_link=False)


def collection_shared(request, token: str):
    collection = Collection.objects.shared(token).select_related("owner").first()
    if collection is None:
        raise Http404("No collection is shared at this link.")
    return _detail(request, collection, via_link=True)


@login_required
def collection_edit(request, pk: int):
    collection = _own_collection(request, pk)
    form = CollectionForm(request.POST or None, instance=collection)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_collection(collection=collection, by=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Collection saved.")
            return redirect(collection)
    # The form's instance holds the values typed; the page's headings keep the saved ones.
    saved = Collection.objects.get(pk=collection.pk) if form.is_bound else collection
    return render(
        request,
        "bookmarks/collection_form.html",
        {"form": form, "collection": saved, "creating": False},
    )


@login_required
@require_POST
def collection_regenerate_link(request, pk: int):
    collection = _own_collection(request, pk)
    services.regenerate_share_link(collection=collection, by=request.user)
    messages.success(request, "A new shared link was made; the old one no longer works.")
    return redirect("collection-edit", pk=collection.pk)


@login_required
def collection_delete(request, pk: int):
    collection = _own_collection(request, pk)
    if request.method == "POST":
        services.delete_collection(collection=collection, by=request.user)
        messages.success(request, f"The collection “{collection.title}” was deleted.")
        return redirect("collection-list")
    shown, hidden = collection.item_counts_for(request.user)
    return render(
        request,
        "bookmarks/collection_confirm_delete.html",
        {"collection": collection, "item_count": shown + hidden},
    )


@login_required
def collection_add_case(request):
    """Add a case to one of your collections: the case page's form posts here; with an
    error, or without the case page's form, this page shows the same form."""
    raw = request.POST.get("case") or request.GET.get("case") or ""
    case = readable_case_or_404(request.user, raw)
    form = AddToCollectionForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        collection = form.cleaned_data["collection"]
        try:
            services.add_to_collection(
                collection=collection,
                case=case,
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, f"“{case.title}” was added to “{collection.title}”.")
            return redirect(_safe_next(request, case.get_absolute_url()))
    return render(
        request,
        "bookmarks/collection_add_case.html",
        {"form": form, "case": case, "next": _safe_next(request, "")},
    )


@login_required
@require_POST
def collection_remove_unavailable(request, pk: int):
    collection = _own_collection(request, pk)
    removed = services.remove_unavailable_items(collection=collection, by=request.user)
    messages.success(
        request,
        f"{removed} case{'s' if removed != 1 else ''} you can no longer read "
        f"{'were' if removed != 1 else 'was'} taken out of the collection.",
    )
    return redirect(collection)


# Items ------------------------------------------------------------------------------------------


@login_required
def item_edit(request, pk: int, item_pk: int):
    item = _own_item(request, pk, item_pk)
    if not Case.objects.visible_to(request.user).filter(pk=item.case_id).exists():
        raise Http404("No case found.")
    form = ItemNoteForm(request.POST or None, initial={"note": item.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_item_note(item=item, by=request.user, note=form.cleaned_data["note"])
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, f"Note saved for “{item.case.title}”.")
            return redirect(f"{item.collection.get_absolute_url()}#item-{item.pk}")
    return render(
        request,
        "bookmarks/item_form.html",
        {"form": form, "item": item, "collection": item.collection},
    )


@login_required
@require_POST
def item_move(request, pk: int, item_pk: int):
    item = _own_item(request, pk, item_pk)
    form = MoveItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose up, down, first or last.")
        return redirect(item.collection)
    position = _target_position(request, item, form.cleaned_data["direction"])
    if position is not None:
        services.move_item(item=item, by=request.user, position=position)
    return redirect(f"{item.collection.get_absolute_url()}{_page_query(request)}#item-{item.pk}")


def _target_position(request, item: CollectionItem, direction: str) -> int | None:
    """Where "up" or "down" takes an item: past the neighbour the owner sees (items of cases
    they may no longer read are skipped over, as on the page)."""
    if direction == "first":
        return 0
    if direction == "last":
        return item.collection.items.count()
    shown = item.collection.items_shown_to(request.user)
    if direction == "up":
        neighbour = shown.filter(position__lt=item.position).order_by("-position", "-pk").first()
    else:
        neighbour = shown.filter(position__gt=item.position).order_by("position", "pk").first()
    return neighbour.position if neighbour else None


def _page_query(request) -> str:
    page = request.POST.get("page", "")
    return f"?page={page}" if page.isdigit() and page != "1" else ""


@login_required
def item_remove(request, pk: int, item_pk: int):
    item = _own_item(request, pk, item_pk)
    # Items of cases the owner may no longer read go with "remove unavailable cases".
    if not Case.objects.visible_to(request.user).filter(pk=item.case_id).exists():
        raise Http404("No case found.")
    if request.method == "POST":
        services.remove_item(item=item, by=request.user)
        messages.success(request, f"“{item.case.title}” was taken out of the collection.")
        return redirect(f"{item.collection.get_absolute_url()}{_page_query(request)}")
    return render(
        request,
        "bookmarks/item_confirm_remove.html",
        {"item": item, "collection": item.collection},
    )
