"""Corrections to Material 9's page markup that the Nu Html Checker reports as errors.

Material writes `tabindex=""` on section labels of the navigation (not an integer) and
`autocomplete="off"` on its drawer and search checkboxes (the attribute is not allowed on a
checkbox). Both sit in templates outside any block, so they are corrected on the rendered page
instead of copying Material's templates into the overrides.
"""

from __future__ import annotations

import re

__all__ = ["fix_material_markup"]

_EMPTY_TABINDEX = re.compile(r'(<label\b[^>]*?) tabindex=""')
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?) autocomplete="off"')


def fix_material_markup(html: str) -> str:
    """The page with Material's invalid attributes removed; everything else unchanged."""
    if 'tabindex=""' in html:
        html = _EMPTY_TABINDEX.sub(r"\1", html)
    if 'autocomplete="off"' in html:
        html = _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
    return html
