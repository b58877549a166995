"""The case list's rows, built from plain values in a fixed number of queries.

`CaseSummarySerializer` describes a row (and serves the lists of other apps); the case list,
the API's busiest read, builds the same dictionaries straight from `values()`: a page costs
its rows, not 20 model instances, their prefetched studies and figures, and three `reverse()`
calls each. `tests/cases/test_api_case_list.py` holds the two to the same output.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import connection
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from cases import media_urls
from cases.filters import body_systems
from cases.models import Case, Figure, Study

# What a row reads from the case itself; `slug` only makes the page address.
COLUMNS = (
    "id",
    "slug",
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

# Stand-ins reversed once, then replaced by each row's values. Digits the int converter takes
# and a slug the slug converter takes, long enough never to occur in a route by chance.
ID_MARK = "90909090909090"
SLUG_MARK = "slug-mark-for-the-case"


@lru_cache(maxsize=64)
def _address_template(name: str, with_slug: bool, prefix: str, urlconf: str | None) -> str:
    # `prefix` and `urlconf` are only the cache's key: reverse() reads the same ones itself.
    kwargs = {"pk": ID_MARK, "slug": SLUG_MARK} if with_slug else {"pk": ID_MARK}
    address = reverse(name, kwargs=kwargs).replace("{", "{{").replace("}", "}}")
    return address.replace(ID_MARK, "{pk}").replace(SLUG_MARK, "{slug}")


def address_template(name: str, *, with_slug: bool = False) -> str:
    """A route's address with `{pk}` (and `{slug}`) to fill in: reverse() once per process
    for each script prefix and URLconf, instead of once per row."""
    return _address_template(name, with_slug, get_script_prefix(), get_urlconf())


def case_api_url(case_id: int) -> str:
    return address_template("api-case-detail").format(pk=case_id)


def figure_thumbnail_url(figure_id: int) -> str:
    """The signed thumbnail address of a processed figure (its case's card figure)."""
    return media_urls.sign(address_template("figure-thumbnail").format(pk=figure_id))


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _names(model) -> dict[str, str]:
    """The quoted table and column names of a model, for the fixed queries below."""
    quote = connection.ops.quote_name
    names = {"table": quote(model._meta.db_table)}
    names.update({field.name: quote(field.column) for field in model._meta.concrete_fields})
    return names


# The query of a page's card parts, written out: it has one shape, and compiling it through the
# ORM took longer than running it. Each row is a case's body system (no modality) or one of its
# studies, with the study's first ready figure that has a thumbnail.
@lru_cache(maxsize=1)
def _card_parts_sql() -> str:
    through, study, figure = _names(Case.systems.through), _names(Study), _names(Figure)
    card_figure = (
        f"SELECT {figure['id']} FROM {figure['table']} "
        f"WHERE {figure['study']} = {study['table']}.{study['id']} "
        f"AND {figure['status']} = %s AND {figure['thumbnail']} <> '' "
        f"ORDER BY {figure['position']}, {figure['id']} LIMIT 1"
    )
    return (
        f"SELECT {through['case']}, NULL, {through['system']}, NULL, 0, 0 "
        f"FROM {through['table']} WHERE {through['case']} IN ({{ids}}) "
        "UNION ALL "
        f"SELECT {study['case']}, {study['modality']}, NULL, ({card_figure}), "
        f"{study['position']}, {study['id']} FROM {study['table']} "
        f"WHERE {study['case']} IN ({{ids}}) "
        "ORDER BY 5, 6"
    )


def _card_parts(
    case_ids: Sequence[int],
) -> tuple[dict[int, list[str]], dict[int, list[str]], dict[int, int]]:
    """Each case's body system codes (by the systems' names, as `case.systems.all()`), its
    modalities (distinct, in study order) and its card figure: the first ready figure with a
    thumbnail, in study order, then figure order (as `card_figure` picks it)."""
    sql = _card_parts_sql().format(ids=", ".join(["%s"] * len(case_ids)))
    found = _fetch(sql, [*case_ids, Figure.ProcessingStatus.READY, *case_ids])
    modalities: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    thumbnails: dict[int, int] = {}
    system_ids: dict[int, list[int]] = {case_id: [] for case_id in case_ids}
    for case_id, modality, system_id, figure_id, _, _ in found:
        if modality is None:
            system_ids[case_id].append(system_id)
            continue
        if modality not in modalities[case_id]:
            modalities[case_id].append(modality)
        if figure_id is not None:
            thumbnails.setdefault(case_id, figure_id)
    return _system_codes(system_ids), modalities, thumbnails


def _system_codes(system_ids: dict[int, list[int]]) -> dict[int, list[str]]:
    known = {system_id: (rank, code) for rank, (system_id, code, _) in enumerate(body_systems())}
    if any(system_id not in known for ids in system_ids.values() for system_id in ids):
        # A system new since they were read, added where no signal told this process.
        known = {
            system_id: (rank, code)
            for rank, (system_id, code, _) in enumerate(body_systems(fresh=True))
        }
    return {
        case_id: [code for _, code in sorted(known[system_id] for system_id in ids)]
        for case_id, ids in system_ids.items()
    }


def _time(value: datetime | None, zone) -> str | None:
    # What DRF's DateTimeField gives: ISO 8601 in the current time zone, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def case_summaries(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `Case` values (`COLUMNS`) as `CaseSummarySerializer` shows them: one
    query for any number of rows, none when there are none."""
    if not rows:
        return []
    systems, modalities, thumbnails = _card_parts([row["id"] for row in rows])
    api_url = address_template("api-case-detail")
    page_url = address_template("case-detail", with_slug=True)
    thumbnail_url = address_template("figure-thumbnail")
    # Card figures are processed ones, of cases the reader may see: signed for this bucket.
    expires = media_urls.expires()
    zone = timezone.get_current_timezone()
    summaries = []
    for row in rows:
        case_id = row["id"]
        figure_id = thumbnails.get(case_id)
        summaries.append(
            {
                "id": case_id,
                "url": api_url.format(pk=case_id),
                "page_url": page_url.format(pk=case_id, slug=row["slug"] or "case"),
                "title": row["title"],
                "case_type": row["case_type"],
                "status": row["status"],
                "visibility": row["visibility"],
                "version": row["version"],
                "difficulty": row["difficulty"],
                "in_unknown_mode": row["in_unknown_mode"],
                "modalities": modalities[case_id],
                "systems": systems[case_id],
                "thumbnail_url": None
                if figure_id is None
                else media_urls.sign(thumbnail_url.format(pk=figure_id), expires),
                "created_at": _time(row["created_at"], zone),
                "updated_at": _time(row["updated_at"], zone),
                "published_at": _time(row["published_at"], zone),
            }
        )
    return summaries
