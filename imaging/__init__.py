"""The image pipeline: upload inspection, stored originals and derivatives, DICOM
de-identification, stacks, rendering, redaction, quarantine and the media views.

The modules that only handle pixels and bytes (`inspect`, `limits`, `zip_entries`, `structure`,
`derivatives`, `deid`, `dicom_render`, `redact`, `data/`) know nothing of Django; the figure
rows they work on are `cases.models.Figure` and `FigureFrame`.
"""
