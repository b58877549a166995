"""Content negotiation for endpoints whose `?format=` names a file format, not a renderer."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class FormatNamesAFile(DefaultContentNegotiation):
    """DRF reads `?format=` as the choice of renderer and answers 404 for one it does not
    know. Where `format` names what to download (an export, a citation style), every answer
    that is not the file itself (the JSON document, an error) is rendered by the view's first
    renderer instead."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
