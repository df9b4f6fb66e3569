""""Cite this document": the citation of a directive in Vietnamese administrative style.

"Công văn số 1562/UBND-KT ngày 27/12/2022 của Ủy ban nhân dân tỉnh Lạng Sơn về việc …", the way
one document cites another (Decree 30/2020/NĐ-CP), then the permalink. Real copies are cited as they
are: a blank number stays blank ("số /STTTT-TTBCXB") and a blank day or month is not invented
("năm 2023"); a note in brackets says what the original leaves blank, so a reader does not take the
gap for a mistake of the archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Directive

__all__ = ["Citation", "citation", "permalink"]

_VV = re.compile(r"^\s*(?:V/v|về việc)\s*[:.]?\s*", re.I)


@dataclass(frozen=True)
class Citation:
    sentence: str
    """"Công văn số 1562/UBND-KT ngày 27/12/2022 của Ủy ban nhân dân tỉnh Lạng Sơn về việc …"."""
    permalink: str

    @property
    def text(self) -> str:
        """What the copy button puts on the clipboard: the sentence, then the permalink."""
        return f"{self.sentence}. Địa chỉ: {self.permalink}"


def permalink(d: Directive, site_url: str = "") -> str:
    """Absolute URL of the directive when the site's address is known, site-absolute otherwise."""
    return f"{site_url.rstrip('/')}/{d.url}" if site_url else f"/{d.url}"


def _lower_first(subject: str) -> str:
    # "Cải cách hành chính…" reads "về việc cải cách hành chính…"; acronyms ("UBND") and names
    # whose next word is capitalised too ("Lạng Sơn…") keep their capitals.
    words = subject.split(" ", 2)
    first = words[0]
    if len(first) < 2 or not first[1:].islower():
        return subject
    if len(words) > 1 and words[1][:1].isupper():
        return subject
    return first[0].lower() + subject[1:]


def _about(subject: str) -> str:
    subject = _VV.sub("", subject.strip())
    if subject[:3].lower() == "về ":
        return "v" + subject[1:]
    return "về việc " + _lower_first(subject)


def citation(d: Directive, site_url: str = "") -> Citation:
    blanks = []
    parts = [d.type.name]
    if d.number.is_numbered:
        parts.append(f"số {d.number_display}")
    else:
        parts.append(f"số {d.number_display}".rstrip())
        blanks.append("số")
    if d.date is None:
        note = "chưa rõ ngày ban hành"
    else:
        note = ""
        if d.date.is_complete:
            parts.append(f"ngày {d.date.display()}")
        elif d.date.month:
            parts.append(f"tháng {d.date.display()}")
            blanks.append("ngày")
        else:
            parts.append(f"năm {d.date.year}")
            blanks.append("ngày, tháng")
    if blanks:
        note = "bản gốc để trống " + " và ".join(blanks)
    if note:
        parts.append(f"({note})")
    parts.append(f"của {d.issuer.name}")
    if d.subject.strip():
        parts.append(_about(d.subject))
    return Citation(" ".join(parts), permalink(d, site_url))
