"""Choices of case fields that code outside the models also speaks: the modality codes of DICOM
and the SPDX ids of licences.

Importable without a configured Django (the text importer's parsing is), and re-exported by
`cases.models`.
"""

from __future__ import annotations

from django.db import models


class Modality(models.TextChoices):
    XR = "XR", "Radiograph"
    CT = "CT", "CT"
    MR = "MR", "MRI"
    US = "US", "Ultrasound"
    NM = "NM", "Nuclear medicine"
    PT = "PT", "PET/CT"
    MG = "MG", "Mammography"
    XA = "XA", "Angiography"
    RF = "RF", "Fluoroscopy"
    OT = "OT", "Other"


class Licence(models.TextChoices):
    """Open licences a case may be published under, by SPDX id."""

    CC_BY_NC_SA_4_0 = "CC-BY-NC-SA-4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0"
    CC_BY_4_0 = "CC-BY-4.0", "Creative Commons Attribution 4.0"
    CC_BY_SA_4_0 = "CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0"
    CC_BY_NC_4_0 = "CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0"
    CC_BY_NC_ND_4_0 = (
        "CC-BY-NC-ND-4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
    )
    CC0_1_0 = "CC0-1.0", "Creative Commons Zero 1.0 (public domain dedication)"

    @classmethod
    def url_for(cls, spdx_id: str) -> str:
        if spdx_id == cls.CC0_1_0:
            return "https://creativecommons.org/publicdomain/zero/1.0/"
        # "CC-BY-NC-SA-4.0" -> "by-nc-sa/4.0"
        parts = spdx_id.lower().split("-")
        return f"https://creativecommons.org/licenses/{'-'.join(parts[1:-1])}/{parts[-1]}/"
