"""The canonical case document (PRODUCT.md section 3) described for the OpenAPI schema.

`cases.document.case_to_document` produces the document and `cases.document_edit` writes it;
these serializers only describe its shape, so that the schema and the answers agree (the test
suite checks every answer against the schema).
"""

from __future__ import annotations

import contextlib

from django.db import DatabaseError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.filters import body_systems
from cases.models import Case, Commentary, ExercisePrescription, Licence, Modality, Section, Tag


class Nullable:
    """Shorthand for optional, nullable fields."""

    @staticmethod
    def text(**kwargs) -> serializers.CharField:
        return serializers.CharField(required=False, allow_blank=True, **kwargs)


class PatientSerializer(serializers.Serializer):
    age = serializers.IntegerField(allow_null=True, required=False, min_value=0)
    age_unit = serializers.ChoiceField(
        choices=Case.AgeUnit.choices, allow_null=True, required=False
    )
    age_display = serializers.CharField(read_only=True, help_text="As readers see it: 90+ …")
    sex = serializers.ChoiceField(choices=Case.Sex.choices, required=False, allow_blank=True)


class PrescriptionSerializer(serializers.Serializer):
    def get_fields(self):
        return {name: Nullable.text() for name in ExercisePrescription.FIELDS}


class FigureDocumentSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    caption = serializers.CharField(read_only=True)
    alt_text = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    annotations = serializers.ListField(child=serializers.DictField(), read_only=True)


class StudyDocumentSerializer(serializers.Serializer):
    modality = serializers.ChoiceField(choices=Modality.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    timing = serializers.CharField(read_only=True)
    findings = serializers.CharField(read_only=True)
    figures = FigureDocumentSerializer(many=True, read_only=True)


class SectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Section.Kind.choices, required=False)
    heading = Nullable.text()
    body = Nullable.text()


class DifferentialSerializer(serializers.Serializer):
    # An item left empty is passed over, as the editor passes over a blank row.
    diagnosis = serializers.CharField(
        required=False, help_text="Required unless the item is empty (then left out)."
    )
    note = Nullable.text()


class CommentarySerializer(serializers.Serializer):
    provenance = serializers.ChoiceField(choices=Commentary.Provenance.choices, required=False)
    heading = Nullable.text()
    body = Nullable.text()
    disclaimer = Nullable.text()
    rehabilitation = PrescriptionSerializer(read_only=True, allow_null=True)
    verified_by = serializers.CharField(read_only=True, allow_null=True)
    verified_at = serializers.DateTimeField(read_only=True, allow_null=True)


def text_matching(pattern: str, max_length: int) -> type[serializers.Field]:
    """A text described by its pattern alone, which allows it empty (see OrcidField)."""

    @extend_schema_field({"type": "string", "pattern": pattern, "maxLength": max_length})
    class PatternField(serializers.Field):
        def to_representation(self, value) -> str:
            return str(value)

        def to_internal_value(self, data) -> str:
            return str(data)

    return PatternField


# The reference form's checks (cases.row_forms.ReferenceForm): a DOI starts with "10." once a
# doi.org address or "doi:" is taken off; a PMID is digits.
DOI_PREFIX = r"([Hh][Tt][Tt][Pp][Ss]?://[Dd][Oo][Ii]\.[Oo][Rr][Gg]/|[Dd][Oo][Ii]:)"
DoiField = text_matching(rf"^\s*({DOI_PREFIX}?10\.[^\x00]*)?$", 200)
PmidField = text_matching(r"^\s*(\d+)?\s*$", 20)


class ReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    citation = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A citation, a DOI, a PMID or a URL: at least one of them.",
    )
    doi = DoiField(required=False)
    pmid = PmidField(required=False)
    url = Nullable.text(help_text="An http(s) address.")


class TagDocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    scheme = serializers.ChoiceField(choices=Tag.Scheme.choices, read_only=True)
    code = serializers.CharField(read_only=True)


class RightsSerializer(serializers.Serializer):
    licence = serializers.ChoiceField(choices=Licence.choices, allow_null=True, required=False)
    copyright_holder = Nullable.text()
    attribution = Nullable.text()
    source = Nullable.text()
    consent = serializers.ChoiceField(choices=Case.Consent.choices, required=False)
    consent_statement = Nullable.text()


# The author form's check (the model field of cases.row_forms.AuthorForm: at most 19
# characters once stripped, and validate_orcid) as far as a pattern can say it: the last
# character is also a check digit, which no pattern can.
ORCID = r"^\s*(\d{4}-\d{4}-\d{4}-\d{3}[\dX])?\s*$"


@extend_schema_field({"type": "string", "pattern": ORCID})
class OrcidField(serializers.Field):
    """Described by its pattern alone, which allows it empty: not as a CharField that may be
    blank, which the schema would describe as one of two texts, both matching ""."""

    def to_representation(self, value) -> str:
        return str(value)

    def to_internal_value(self, data) -> str:
        return str(data)


class AuthorSerializer(serializers.Serializer):
    username = serializers.CharField(
        allow_null=True, required=False, help_text="For a site user; omit for an external author."
    )
    name = Nullable.text()
    affiliation = Nullable.text()
    orcid = OrcidField(
        required=False,
        help_text="Like 0000-0002-1825-0097, or empty; its last character is a check digit.",
    )


class SystemCodeField(serializers.CharField):
    """The code of a body system: one of the list kept in the database."""


class SystemCodeFieldSchema(OpenApiSerializerFieldExtension):
    target_class = SystemCodeField

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "string"}
        # The list as it is now, as the `system` filter lists it (api/filter_schema.py); a
        # schema written without a database, or before any system is listed, leaves it any
        # text (OpenAPI allows no empty enum).
        with contextlib.suppress(DatabaseError, RuntimeError):
            codes = sorted(code for code, _ in body_systems.choices())
            if codes:
                schema["enum"] = codes
        return schema


class CiteSerializer(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    stem = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField(), min_length=2)
    answer = serializers.IntegerField(
        min_value=0,
        help_text="Index of the correct option: less than the number of options.",
    )
    explanation = Nullable.text()


class CaseDocumentSerializer(serializers.Serializer):
    """The canonical case document. Lists given in a write replace the whole list."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=300)
    case_type = serializers.ChoiceField(choices=Case.CaseType.choices, required=False)
    patient = PatientSerializer(allow_null=True, required=False)
    clinical_history = Nullable.text()
    imaging_findings = Nullable.text()
    studies = StudyDocumentSerializer(
        many=True, read_only=True, help_text="Edited through /cases/{id}/studies/ and figures/."
    )
    sections = SectionSerializer(many=True, required=False)
    differential_diagnoses = DifferentialSerializer(many=True, required=False)
    final_diagnosis = Nullable.text()
    diagnostic_certainty = serializers.ChoiceField(
        choices=Case.Certainty.choices, allow_null=True, allow_blank=True, required=False
    )
    certainty_basis = Nullable.text()
    teaching_points = serializers.ListField(child=serializers.CharField(), required=False)
    rehabilitation = PrescriptionSerializer(allow_null=True, required=False)
    commentaries = CommentarySerializer(many=True, required=False)
    references = ReferenceSerializer(many=True, required=False)
    tags = TagDocumentSerializer(many=True, required=False)
    systems = serializers.ListField(
        child=SystemCodeField(), required=False, help_text="Body system codes."
    )
    difficulty = serializers.ChoiceField(
        choices=Case.Difficulty.choices, allow_null=True, allow_blank=True, required=False
    )
    rights = RightsSerializer(required=False)
    authors = AuthorSerializer(many=True, required=False)
    status = serializers.ChoiceField(choices=Case.Status.choices, read_only=True)
    visibility = serializers.ChoiceField(choices=Case.Visibility.choices, required=False)
    version = serializers.IntegerField(
        required=False, help_text="In a write: the version edited (instead of If-Match)."
    )
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cite = CiteSerializer(read_only=True)
    in_unknown_mode = serializers.BooleanField(required=False)
    questions = QuestionSerializer(many=True, required=False)


class CaseCreateSerializer(CaseDocumentSerializer):
    """A new case: a document with at least a title."""

    version = None


# The case document's request bodies and every object in them: the document is read key by
# key and a key it does not know is refused ("Unknown field."), so the schema says that no
# other key is allowed.
DOCUMENT_BODIES = ("CaseCreateRequest", "PatchedCaseDocumentRequest")


def close_document_bodies(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    waiting = [name for name in DOCUMENT_BODIES if name in components]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        component = components[name]
        if component.get("type") == "object" and "properties" in component:
            component["additionalProperties"] = False
        waiting.extend(_referenced(component))
    return result


def _referenced(schema) -> list[str]:
    if isinstance(schema, dict):
        found = []
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value.rsplit("/", 1)[-1])
            else:
                found.extend(_referenced(value))
        return found
    if isinstance(schema, list):
        return [name for item in schema for name in _referenced(item)]
    return []
