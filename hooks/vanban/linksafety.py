"""Which link and image addresses of a directive body may stay addresses.

A browser reads an `href` only after decoding its character references (`java&#115;cript:`,
`&#x6A;avascript:`, `&colon;`) and dropping the tabs and newlines inside it and the control
characters and spaces around it; a filter that looks at the text as written can be walked past. The
address is decoded and cleaned the same way (a little more strictly: every whitespace and control
character goes, and references are decoded until nothing changes) before its scheme is read, and
only web, mail and telephone addresses or relative ones are allowed.
"""

from __future__ import annotations

import html
import re

__all__ = ["ALLOWED_SCHEMES", "effective_url", "is_safe_url"]

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# A URL's scheme as the WHATWG URL parser reads it: a letter, then letters, digits, "+", "-", ".".
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Whitespace and control characters (C0, DEL, C1) and the invisible format characters a browser
# may ignore or that hide a scheme from a reader.
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")


def effective_url(value: str) -> str:
    """The address a browser would follow, as far as its scheme is concerned."""
    previous = None
    text = value
    for _ in range(8):  # "&amp;#106;" decodes to "&#106;", then to "j"
        if text == previous:
            break
        previous, text = text, html.unescape(text)
    return _INVISIBLE.sub("", text)


def is_safe_url(value: str) -> bool:
    """True for http(s), mailto and tel addresses, anchors and relative addresses."""
    match = _SCHEME.match(effective_url(value))
    return match is None or match.group(1).lower() in ALLOWED_SCHEMES
