"""`manage.py synth`: synthetic published cases for demos and benchmarks, and their removal."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases import fulltext
from cases.models import Case, Study, Tag
from search.management.commands.synth import synthetic_cases
from tests.factories import make_case


def synth(*args: str) -> str:
    out = StringIO()
    call_command("synth", *args, stdout=out)
    return out.getvalue()


def test_synth_adds_published_searchable_cases_with_their_parts(db):
    output = synth("--cases", "40", "--seed", "3", "--batch", "15")

    assert "Added 40 synthetic cases" in output
    if connection.vendor == "postgresql":  # inside the test's transaction: analysed only
        assert "vacuuming and analysing" in output
    cases = synthetic_cases()
    assert cases.count() == 40
    assert set(cases.values_list("status", flat=True)) == {"published"}
    case = cases.filter(visibility="public").prefetch_related("studies", "tags").first()
    assert case.title and case.final_diagnosis and case.clinical_history and case.imaging_findings
    assert case.studies.all() and case.sections.all() and case.systems.all()
    assert case.teaching_points.exists() and case.differential_diagnoses.exists()
    assert "synthetic" in {tag.slug for tag in case.tags.all()}
    assert Study.objects.filter(case__in=cases).values("modality").distinct().count() > 3
    assert len(set(cases.values_list("title", flat=True))) > 20  # varied
    # Searchable like any case: the vectors were computed in the same command.
    diagnosis = case.final_diagnosis.split()[0]
    found = fulltext.search_cases(Case.objects.listed(), diagnosis)
    assert found.filter(pk=case.pk).exists()


def test_the_same_seed_gives_the_same_cases(db):
    synth("--cases", "10", "--seed", "9")
    first = list(synthetic_cases().order_by("pk").values_list("title", "clinical_history"))
    synth("--delete")
    synth("--cases", "10", "--seed", "9")
    second = list(synthetic_cases().order_by("pk").values_list("title", "clinical_history"))

    assert first == second


def test_delete_removes_only_synthetic_cases(db):
    real = make_case(title="A real case")
    real.tags.add(Tag.objects.create(name="Synthetic rubber", slug="synthetic-rubber"))
    synth("--cases", "12")

    output = synth("--delete")

    assert "Deleted 12 synthetic cases" in output
    assert list(Case.objects.all()) == [real]
    assert not synthetic_cases().exists()


@pytest.mark.parametrize("args", [[], ["--cases", "0"], ["--cases", "5", "--batch", "0"]])
def test_synth_needs_a_number_of_cases(db, args):
    with pytest.raises(CommandError):
        synth(*args)
