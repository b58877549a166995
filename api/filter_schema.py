"""How the schema describes django-filter's query parameters: as the filters really read them.

drf-spectacular's own description leaves out what a filter refuses or lets through, so the
schema and the answers disagreed: a choice whose list is read from the database (the body
systems) was documented as any text and answered 400; an empty choice (`?sex=`, which the
filters read as "any", as the browse page's forms send it) was documented as invalid; a text
filter's length limit was not documented at all.
"""

from __future__ import annotations

import contextlib

from django.db import DatabaseError
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from .docs import NO_NUL


class FiltersAsTheyRead(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        from django_filters import filters

        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        choices = filter_field.extra.get("choices")
        for parameter in parameters:
            schema = parameter["schema"]
            if isinstance(filter_field, filters.MultipleChoiceFilter):
                continue
            if isinstance(filter_field, filters.ChoiceFilter):
                if callable(choices):
                    # A list kept in the database (and read once per process): the schema
                    # says what it holds now. Where it cannot be read (a schema written
                    # without a database, or where database access is not allowed) it stays
                    # any text.
                    with contextlib.suppress(DatabaseError, RuntimeError):
                        schema["enum"] = sorted(str(value) for value, _ in choices())
                if "enum" in schema and "" not in schema["enum"]:
                    # No value is no filter.
                    schema["enum"] = [*schema["enum"], ""]
            elif isinstance(filter_field, filters.CharFilter):
                # A form's text field refuses NUL, as a body's text does (api/docs.py).
                schema.setdefault("pattern", NO_NUL)
                if filter_field.extra.get("max_length"):
                    schema["maxLength"] = filter_field.extra["max_length"]
            elif isinstance(filter_field, filters.NumberFilter):
                bounds = {"min_value": "minimum", "max_value": "maximum"}
                for name, keyword in bounds.items():
                    if filter_field.extra.get(name) is not None:
                        schema[keyword] = filter_field.extra[name]
        return parameters
