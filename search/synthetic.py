"""Synthetic teaching cases: plausible radiology content for demos, load tests and benchmarks.

Every case is built from a diagnosis of `synthetic_vocabulary` (its systems, usual modalities,
age range, findings, differentials and tags), varied by a seeded random generator, so the same
seed gives the same cases. Nothing here is a real patient; every case carries the tag `synthetic`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from .synthetic_vocabulary import (
    ADJECTIVES,
    CERTAINTIES,
    CERTAINTY_BASES,
    DIAGNOSES,
    DIFFICULTIES,
    DISCUSSION_OPENINGS,
    EXTRA_HISTORY,
    STUDY_LABELS,
    TIMINGS,
    TITLE_PATTERNS,
)

SYNTHETIC_TAG = "synthetic"


def _age_phrase(age: int, unit: str, sex: str) -> str:
    person = {"female": "woman", "male": "man"}.get(sex, "patient")
    if unit != "years":
        return f"{age}-{unit[:-1]}-old infant"
    if age < 18:
        person = {"female": "girl", "male": "boy"}.get(sex, "child")
    return f"{age}-year-old {person}"


@dataclass
class SyntheticCase:
    """One generated case: the Case's fields and its parts, ready for bulk_create."""

    fields: dict
    studies: list[dict]
    sections: list[dict]
    teaching_points: list[str]
    differentials: list[str]
    tags: list[str]
    systems: list[str]


def synthetic_case(rng: random.Random, *, now: datetime.datetime) -> SyntheticCase:
    diagnosis = rng.choice(DIAGNOSES)
    sex = diagnosis.sex or rng.choice(("female", "male", "female", "male", "unknown"))
    age = rng.randint(*diagnosis.ages)
    unit = "years"
    if diagnosis.ages[1] <= 1:
        age, unit = rng.randint(2, 10), "weeks"
    elif age == 0:
        age, unit = rng.randint(1, 11), "months"
    region = rng.choice(diagnosis.regions)
    symptom = rng.choice(diagnosis.symptoms)
    age_phrase = _age_phrase(age, unit, sex)
    title = rng.choice(TITLE_PATTERNS).format(
        name=diagnosis.name,
        name_lower=diagnosis.name[0].lower() + diagnosis.name[1:],
        region=region,
        symptom=symptom,
        age_phrase=age_phrase,
        adjective=rng.choice(ADJECTIVES),
    )
    findings = rng.sample(diagnosis.findings, k=min(len(diagnosis.findings), rng.randint(2, 3)))
    history = (
        f"A {age_phrase} presented with {symptom}. {rng.choice(EXTRA_HISTORY)} "
        f"Imaging of the {region} was requested."
    )
    imaging = " ".join(f"{finding[0].upper()}{finding[1:]}." for finding in findings)
    modalities = rng.sample(
        diagnosis.modalities, k=min(len(diagnosis.modalities), rng.randint(1, 3))
    )
    studies = [
        {
            "modality": modality,
            "label": f"{STUDY_LABELS[modality]} {region}",
            "timing": TIMINGS[min(position, len(TIMINGS) - 1)],
            "findings": f"{findings[position % len(findings)][0].upper()}"
            f"{findings[position % len(findings)][1:]}.",
        }
        for position, modality in enumerate(modalities)
    ]
    name_lower = diagnosis.name[0].lower() + diagnosis.name[1:]
    differentials = rng.sample(
        diagnosis.differentials, k=min(len(diagnosis.differentials), rng.randint(1, 3))
    )
    discussion = (
        rng.choice(DISCUSSION_OPENINGS).format(name=diagnosis.name, name_lower=name_lower)
        + f" It typically affects patients aged {diagnosis.ages[0]} to {diagnosis.ages[1]}, "
        f"who present with {rng.choice(diagnosis.symptoms)}. The main differential diagnoses "
        f"are {', '.join(d.lower() for d in differentials)}. " + " ".join(diagnosis.teaching)
    )
    sections = [{"kind": "discussion", "heading": "Discussion", "body": discussion}]
    if rng.random() < 0.4:
        sections.append(
            {
                "kind": "outcome",
                "heading": "Outcome",
                "body": rng.choice(
                    (
                        "The patient was treated and recovered well.",
                        "The diagnosis was confirmed at surgery.",
                        "Follow-up imaging at three months showed improvement.",
                    )
                ),
            }
        )
    published_at = now - datetime.timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
    fields = {
        "title": title[:300],
        "case_type": "clinical_case",
        "patient_age": age,
        "patient_age_unit": unit,
        "patient_sex": sex,
        "clinical_history": history,
        "imaging_findings": imaging,
        "final_diagnosis": diagnosis.name,
        "diagnostic_certainty": rng.choice(CERTAINTIES),
        "certainty_basis": rng.choice(CERTAINTY_BASES),
        "difficulty": rng.choice(DIFFICULTIES),
        "licence": "CC-BY-NC-SA-4.0",
        "consent": "not_required",
        "status": "published",
        # A few are unlisted: found by link only, never by search.
        "visibility": "unlisted" if rng.random() < 0.02 else "public",
        "published_at": published_at,
        # A long tail: most cases are read a little, a few a lot.
        "view_count": min(int(rng.paretovariate(1.3) * 4) - 4, 50_000),
    }
    teaching = list(diagnosis.teaching[: rng.randint(1, len(diagnosis.teaching))])
    return SyntheticCase(
        fields=fields,
        studies=studies,
        sections=sections,
        teaching_points=teaching,
        differentials=differentials,
        tags=[*rng.sample(diagnosis.tags, k=rng.randint(1, len(diagnosis.tags))), SYNTHETIC_TAG],
        systems=list(diagnosis.systems),
    )
