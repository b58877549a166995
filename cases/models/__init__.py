"""The teaching case and its ordered parts (PRODUCT.md section 3).

Field names follow the canonical case document (cases/document.py), so the importer, the
pages, the admin and the API all speak of `final_diagnosis`, `teaching_points` and `rights`
in the same words.
"""

from ..choices import Licence, Modality
from .case import MAX_DISPLAYED_AGE_YEARS, Case, System, Tag
from .history import CaseEvent, Revision
from .parts import (
    CaseAuthor,
    Commentary,
    DifferentialDiagnosis,
    ExercisePrescription,
    QuizQuestion,
    Reference,
    Section,
    TeachingPoint,
)
from .readership import CaseView
from .studies import (
    Figure,
    FigureFrame,
    QuarantineDecision,
    Study,
    figure_derivative_path,
    figure_upload_path,
    private_storage,
)

__all__ = [
    "MAX_DISPLAYED_AGE_YEARS",
    "Case",
    "CaseAuthor",
    "CaseEvent",
    "CaseView",
    "Commentary",
    "DifferentialDiagnosis",
    "ExercisePrescription",
    "Figure",
    "FigureFrame",
    "Licence",
    "Modality",
    "QuarantineDecision",
    "QuizQuestion",
    "Reference",
    "Revision",
    "Section",
    "Study",
    "System",
    "Tag",
    "TeachingPoint",
    "figure_derivative_path",
    "figure_upload_path",
    "private_storage",
]
