"""Checks of a request body that Django forms do not make."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


def require_text(data: Any, names: Iterable[str]) -> None:
    """A 400 unless the body is an object whose given fields among `names` are text.

    Django forms read any value as text; a number, list or null sent for a text field is a
    mistake the caller should hear about.
    """
    if not isinstance(data, Mapping):
        raise ValidationError({"non_field_errors": ["Send the fields as a JSON object."]})
    wrong = {
        name: ["Send this field as text."]
        for name in names
        if name in data and not isinstance(data[name], str)
    }
    if wrong:
        raise ValidationError(wrong)


# Text that is more than blank space (Python's reading of `\s`, as str.strip has it) and has no
# NUL (see api/docs.NO_NUL). As a validator it puts the rule into the schema as a pattern, so
# that a request the schema calls valid is not refused for a blank name.
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


def not_blank(message: str) -> RegexValidator:
    return RegexValidator(NOT_BLANK, message=message)


class TextField(serializers.CharField):
    """Text, and only text: DRF's CharField would read a number sent for it as its digits,
    where the schema says a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
