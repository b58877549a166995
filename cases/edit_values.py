"""The values an edit of a case is made of: plain, typed, already validated.

The editor's forms and the API's serializers check what people send and turn it into these;
the operations in `editing.py` write them. A row with an `id` updates that stored row; a row
without one is added; a stored row left out of a list is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User

    from .models import System


@dataclass(frozen=True)
class SectionRow:
    kind: str
    heading: str = ""
    body: str = ""
    id: int | None = None


@dataclass(frozen=True)
class DifferentialRow:
    diagnosis: str
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class TeachingPointRow:
    text: str
    id: int | None = None


@dataclass(frozen=True)
class ReferenceRow:
    citation: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    id: int | None = None


@dataclass(frozen=True)
class CommentaryRow:
    provenance: str
    heading: str = ""
    body: str = ""
    disclaimer: str = ""
    id: int | None = None


@dataclass(frozen=True)
class AuthorRow:
    """A site user (who may then edit the case), an external co-author, or both: a site
    user shown under another name."""

    user: User | None = None
    name: str = ""
    affiliation: str = ""
    orcid: str = ""
    id: int | None = None


@dataclass(frozen=True)
class QuestionRow:
    stem: str
    options: list[str]
    answer: int  # the index of the correct option
    explanation: str = ""
    id: int | None = None


@dataclass(frozen=True)
class FigureText:
    """What an author writes about a stored figure; the image itself is uploaded."""

    id: int
    label: str = ""
    caption: str = ""
    alt_text: str = ""


@dataclass(frozen=True)
class StudyRow:
    modality: str
    label: str = ""
    timing: str = ""
    findings: str = ""
    id: int | None = None
    # The study's figures in their new order; None leaves them as they are.
    figures: list[FigureText] | None = None


@dataclass
class CaseChanges:
    """The parts of a case one edit changes. None (or an empty `fields`) leaves a part as it
    is; a list replaces the whole list."""

    fields: dict[str, Any] = field(default_factory=dict)
    systems: list[System] | None = None
    tags: list[str] | None = None
    studies: list[StudyRow] | None = None
    sections: list[SectionRow] | None = None
    differentials: list[DifferentialRow] | None = None
    teaching_points: list[TeachingPointRow] | None = None
    references: list[ReferenceRow] | None = None
    commentaries: list[CommentaryRow] | None = None
    # The FITT-VP fields of the case's rehabilitation plan; all empty removes the plan.
    rehabilitation: dict[str, str] | None = None
    authors: list[AuthorRow] | None = None
    questions: list[QuestionRow] | None = None

    def merge(self, other: CaseChanges) -> CaseChanges:
        """These changes with `other`'s laid over them, for one edit made of several parts."""
        merged = CaseChanges(fields={**self.fields, **other.fields})
        for name in self.__dataclass_fields__:
            if name == "fields":
                continue
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(merged, name, theirs if theirs is not None else mine)
        return merged
