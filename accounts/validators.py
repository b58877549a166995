import re

from django.core.exceptions import ValidationError

ORCID_FORMAT = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_check_digit(base_digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first fifteen ORCID digits."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    """An ORCID iD such as 0000-0002-1825-0097: sixteen characters and a valid check digit."""
    if not ORCID_FORMAT.match(value):
        raise ValidationError(
            "Enter an ORCID iD as four groups of four characters, like 0000-0002-1825-0097.",
            code="invalid_orcid",
        )
    digits = value.replace("-", "")
    if orcid_check_digit(digits[:-1]) != digits[-1]:
        raise ValidationError(
            "This ORCID iD has a typing error: its last character does not match the others.",
            code="invalid_orcid_checksum",
        )
