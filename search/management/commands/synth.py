"""`python manage.py synth --cases N [--seed S] [--batch B]` and `synth --delete`.

Adds N published synthetic cases (search/synthetic.py: varied titles, diagnoses, histories,
findings, studies with modalities, sections, differentials, teaching points, tags and systems;
no images), written with bulk inserts in batches, then gives them their search vectors with one
set-based UPDATE, and (on PostgreSQL) vacuums and analyses the tables it filled. Every case
carries the tag `synthetic`; `--delete` removes them all again. Meant for demos, load tests and
the search benchmark: 100,000 cases take a few minutes on PostgreSQL.
"""

from __future__ import annotations

import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from cases.freshness import catalogue_changed
from cases.models import (
    Case,
    CaseAuthor,
    DifferentialDiagnosis,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)
from cases.search_vector import refresh_search_vector
from search.synthetic import SYNTHETIC_TAG, SyntheticCase, synthetic_case
from search.synthetic_vocabulary import DIAGNOSES

SYNTHETIC_AUTHOR = "synthetic-author"
DELETE_BATCH = 2000


def synthetic_cases():
    return Case.objects.filter(tags__slug=SYNTHETIC_TAG, tags__scheme=Tag.Scheme.CUSTOM)


class Command(BaseCommand):
    help = "Add published synthetic cases (tagged 'synthetic'), or delete them with --delete."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=0, help="how many cases to add")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same cases")
        parser.add_argument("--batch", type=int, default=2000, help="cases per bulk insert")
        parser.add_argument(
            "--delete", action="store_true", help="delete every synthetic case instead"
        )

    def handle(self, *args, **options) -> None:
        if options["delete"]:
            self.delete()
            return
        count, batch = options["cases"], options["batch"]
        if count < 1 or batch < 1:
            raise CommandError("Give --cases N (and --batch B) as whole numbers of at least 1.")
        started = time.monotonic()
        added = add_synthetic_cases(count, seed=options["seed"], batch=batch, log=self.log)
        self.log(f"Added {added} synthetic cases in {time.monotonic() - started:.1f} s.")

    def log(self, message: str) -> None:
        self.stdout.write(message)

    def delete(self) -> None:
        started = time.monotonic()
        deleted = 0
        while True:
            ids = list(synthetic_cases().values_list("pk", flat=True)[:DELETE_BATCH])
            if not ids:
                break
            with transaction.atomic():
                Case.objects.filter(pk__in=ids).delete()
            deleted += len(ids)
        self.log(f"Deleted {deleted} synthetic cases in {time.monotonic() - started:.1f} s.")


def _author():
    User = get_user_model()
    author, created = User.objects.get_or_create(
        username=SYNTHETIC_AUTHOR,
        defaults={"display_name": "Synthetic cases", "email": ""},
    )
    if created:
        author.set_unusable_password()
        author.save(update_fields=["password"])
    return author


def _tags(names: set[str]) -> dict[str, int]:
    existing = {
        tag.name: tag.pk for tag in Tag.objects.filter(scheme=Tag.Scheme.CUSTOM, name__in=names)
    }
    for name in sorted(names - existing.keys()):
        tag = Tag.objects.create(name=name, scheme=Tag.Scheme.CUSTOM, slug=slugify(name)[:140])
        existing[name] = tag.pk
    return existing


def add_synthetic_cases(count: int, *, seed: int = 1, batch: int = 2000, log=print) -> int:
    """Insert `count` synthetic published cases; returns how many were added."""
    rng = random.Random(seed)
    now = timezone.now()
    author = _author()
    tag_ids = _tags({tag for d in DIAGNOSES for tag in d.tags} | {SYNTHETIC_TAG})
    system_ids = dict(System.objects.values_list("code", "pk"))
    added = 0
    while added < count:
        size = min(batch, count - added)
        generated = [synthetic_case(rng, now=now) for _ in range(size)]
        with transaction.atomic():
            _insert(generated, author=author, tag_ids=tag_ids, system_ids=system_ids)
        added += size
        if added % (batch * 10) == 0 or added == count:
            log(f"  {added} / {count} cases written")
    log("  computing search vectors…")
    refresh_search_vector(synthetic_cases())
    if connection.vendor == "postgresql":
        log("  vacuuming and analysing…")
        vacuum_analyse(FILLED_MODELS)
    # Bulk inserts send no signals: lists cached before the new cases must not be served.
    catalogue_changed()
    return added


# The tables `add_synthetic_cases` fills.
FILLED_MODELS = (
    Case,
    CaseAuthor,
    Study,
    Section,
    TeachingPoint,
    DifferentialDiagnosis,
    Case.tags.through,
    Case.systems.through,
)


def vacuum_analyse(models) -> None:
    """VACUUM ANALYZE the tables of `models` (PostgreSQL): the search vectors' UPDATE left a
    dead row behind every case, which index-only scans and bitmap scans would still visit, and
    the planner needs fresh statistics or it takes a big table for an empty one.

    VACUUM cannot run inside a transaction; inside one (a test, say) the tables are only
    analysed."""
    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{vacuum} {connection.ops.quote_name(model._meta.db_table)}")


def _insert(generated: list[SyntheticCase], *, author, tag_ids, system_ids) -> None:
    cases = Case.objects.bulk_create(
        Case(
            **item.fields,
            slug=slugify(item.fields["title"])[:300] or "case",
            created_by=author,
        )
        for item in generated
    )
    studies, sections, points, differentials, authors, tags, systems = [], [], [], [], [], [], []
    tag_link, system_link = Case.tags.through, Case.systems.through
    for case, item in zip(cases, generated, strict=True):
        authors.append(CaseAuthor(case=case, user=author, position=0))
        studies += [Study(case=case, position=n, **study) for n, study in enumerate(item.studies)]
        sections += [
            Section(case=case, position=n, **section) for n, section in enumerate(item.sections)
        ]
        points += [
            TeachingPoint(case=case, position=n, text=text)
            for n, text in enumerate(item.teaching_points)
        ]
        differentials += [
            DifferentialDiagnosis(case=case, position=n, diagnosis=diagnosis)
            for n, diagnosis in enumerate(item.differentials)
        ]
        tags += [tag_link(case_id=case.pk, tag_id=tag_ids[name]) for name in set(item.tags)]
        systems += [
            system_link(case_id=case.pk, system_id=system_ids[code])
            for code in item.systems
            if code in system_ids
        ]
    CaseAuthor.objects.bulk_create(authors)
    Study.objects.bulk_create(studies)
    Section.objects.bulk_create(sections)
    TeachingPoint.objects.bulk_create(points)
    DifferentialDiagnosis.objects.bulk_create(differentials)
    tag_link.objects.bulk_create(tags)
    system_link.objects.bulk_create(systems)
