"""Vietnamese text normalisation: NFC, one tone-placement style, diacritic folding, slugs.

Real documents mix decomposed and precomposed characters and two tone-placement styles
("Hòa"/"Hoà", "ủy"/"uỷ"). Everything the archive loads or compares goes through `normalize`,
so that the same word always has the same code points.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "fold", "slugify", "strip_invisible", "display_subject"]

# Combining marks that carry the tone (thanh điệu); vowel-shape marks (â, ă, ơ…) are not tones.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

# Zero-width and bidi control characters that Word pastes carry and that break matching.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")

# "oa", "oe", "uy" closing a syllable: the old (official) style puts the tone on the first vowel
# ("hòa", "thủy"); the new style on the second ("hoà", "thuỷ"). After "q" the "u" is part of the
# consonant, so "quý" is the same in both styles and is left alone.
_NEW_STYLE = re.compile(r"(?<![qQ])([oO][aAeE]|[uU][yY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])")

# Letters that look like Đ/đ but are not: Ð (U+00D0, Icelandic eth), ð (U+00F0), Ɖ (U+0189).
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u0189": "\u0110", "\u00f0": "\u0111"})

_FOLD_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})

# The same new-style endings as _NEW_STYLE, on precomposed text: lets `normalize` skip the
# decompose/recompose round trip for the (common) text that is already NFC and old-style.
_NEW_STYLE_NFC = re.compile("(?<![qQ])(?:[oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?![\\w\u0300-\u036f])")
_LOOKALIKE_CHARS = re.compile("[\u00d0\u0189\u00f0]")


def strip_invisible(text: str) -> str:
    """Remove zero-width and direction-control characters."""
    return _INVISIBLE.sub("", text)


def normalize(text: str) -> str:
    """NFC, Đ look-alikes mapped to Đ, invisible characters removed, tones in the official style."""
    if (text.isascii() or (unicodedata.is_normalized("NFC", text) and not _NEW_STYLE_NFC.search(text)
                           and not _LOOKALIKE_CHARS.search(text))) and not _INVISIBLE.search(text):
        return text
    return _normalize_slow(text)


def _normalize_slow(text: str) -> str:
    text = strip_invisible(text).translate(_LOOKALIKES)
    decomposed = unicodedata.normalize("NFD", text)
    if any(ch in _TONES for ch in decomposed):
        decomposed = _move_tones(decomposed)
    return unicodedata.normalize("NFC", decomposed)


def _move_tones(decomposed: str) -> str:
    # Only tone marks that directly follow the second vowel are moved: "oà" -> "òa".
    return _NEW_STYLE.sub(lambda m: m.group(1)[0] + m.group(2) + m.group(1)[1], decomposed)


def fold(text: str) -> str:
    """Lower-case ASCII-ish form: diacritics removed and đ → d ("Đất đai" → "dat dai")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LOOKALIKES).translate(_FOLD_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """URL segment: folded, lower-case, every run of other characters → one hyphen."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


def display_subject(subject: str) -> str:
    """A subject as pages show it: its first letter upper-cased ("tuyên truyền: …" → "Tuyên
    truyền: …"), once "V/v" was dropped from the front. The stored text stays as written: the
    citation lowers it again after "về việc", and open data gives it unchanged."""
    for i, ch in enumerate(subject):
        if ch.isalpha():
            return subject[:i] + ch.upper() + subject[i + 1:]
        if ch not in _OPENING:
            break
    return subject


# What may stand before a subject's first word: "“Đẩy mạnh…”", "(Dự thảo) …".
_OPENING = set(" \"'“‘«([")
