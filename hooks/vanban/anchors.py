"""Pinpoint links: a stable anchor on every heading, numbered section and paragraph of a directive.

A reader quotes "điểm a khoản 2 Điều 1" or "mục 1" and links to it, so the anchor follows the
document's own numbering wherever the text has one, and only counts paragraphs where it has none:

- a heading or paragraph that starts with a label takes it, under the label of the enclosing
  numbered element: "Chương II" → `chuong-ii`, "I." / "Phần I" → `phan-i`, "Điều 3." → `dieu-3`,
  "1." → `muc-1` (or `phan-i-1`, `dieu-3-1` inside those), "a)" → `muc-1-a`, "đ)" → `…-dd`;
  items of an ordered list count as "1.", "2."… from the list's start;
- a heading without a label keeps its text's slug (`quyet-dinh`);
- any other paragraph, item of a bulleted list, table or quotation is `{scope}-doan-{n}`: the n-th
  unnumbered block after the nearest label or heading (`doan-{n}` before the first one).

So the same text always gets the same anchors (nothing depends on the build, the date or the
order files are read in). Inserting a paragraph renumbers only the unnumbered paragraphs that
follow it inside the same section; numbered sections, articles and points keep their anchors.
Renumbering the document's own sections moves their anchors with the numbers, as citations
do. An anchor taken twice (a document that numbers "1." twice) gets `_2`, `_3`.

Each anchored block (not tables) ends with a small "¶" link to itself: a plain link without
JavaScript, copied to the clipboard by `vanban-links.js` when scripts run.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .text import slugify

__all__ = ["PinpointExtension", "label_of", "PIN_CLASS", "PIN_HTML"]

PIN_CLASS = "vb-pin"
_PIN_LABEL = "Liên kết đến đoạn này"
PIN_HTML = re.compile(rf' <a aria-label="{_PIN_LABEL}" class="{PIN_CLASS}" href="#[^"<>]*">¶</a>')
"""A pin as a rendered body holds it, with the space before it (Python-Markdown writes attributes in
name order): what the search pages leave out (`search.index_document`)."""
_PIN_MARK = "data-vb-pin"
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "table", "blockquote", "pre"}

# (kind, rank, pattern): a lower rank encloses a higher one. Matched at the start of a block's text.
_LABELS: list[tuple[str, int, re.Pattern[str]]] = [
    ("chuong", 0, re.compile(r"Chương\s+([IVXL]+|\d+)\b", re.I)),
    ("phan", 1, re.compile(r"Phần\s+([IVXL]+|\d+)\b", re.I)),
    ("phan", 1, re.compile(r"([IVXL]+)[.)]\s")),
    ("dieu", 2, re.compile(r"Điều\s+(\d+[a-z]?)\b", re.I)),
    ("muc", 3, re.compile(r"(\d{1,3}(?:\.\d{1,3})*)[.)]\s")),
    ("diem", 4, re.compile(r"([a-zđ])\)\s")),
]
# Kinds whose number is unique in the whole document, as legal citations assume ("Điều 3").
_DOCUMENT_WIDE = {"chuong", "dieu"}


@dataclass
class _Label:
    kind: str
    rank: int
    part: str


def label_of(text: str) -> _Label | None:
    """The numbering label a block's text starts with, if any: "Điều 3. …" → dieu/3."""
    text = text.lstrip()
    for kind, rank, pattern in _LABELS:
        match = pattern.match(text + " ")
        if match:
            part = match.group(1).lower().replace("đ", "dd").replace(".", "-")
            return _Label(kind, rank, part)
    return None


def _text(el: etree.Element) -> str:
    return "".join(el.itertext())


class _Numbering:
    """The stack of enclosing labels and the paragraph counters while walking a body in order."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []
        self.scope = ""
        self.counts: dict[str, int] = {}
        self.used: set[str] = set()

    def unique(self, anchor: str) -> str:
        candidate, n = anchor, 1
        while candidate in self.used:
            n += 1
            candidate = f"{anchor}_{n}"  # not "-2": that would read as a sub-item
        self.used.add(candidate)
        return candidate

    def labelled(self, label: _Label) -> str:
        while self.stack and self.stack[-1][0] >= label.rank:
            self.stack.pop()
        if label.kind in _DOCUMENT_WIDE or not self.stack:
            anchor = f"{label.kind}-{label.part}"
        else:
            anchor = f"{self.stack[-1][1]}-{label.part}"
        anchor = self.unique(anchor)
        self.stack.append((label.rank, anchor))
        self.scope = anchor
        return anchor

    def heading(self, text: str) -> str:
        anchor = self.unique(slugify(text) or "muc")
        self.scope = anchor
        return anchor

    def paragraph(self) -> str:
        n = self.counts.get(self.scope, 0) + 1
        self.counts[self.scope] = n
        return self.unique(f"{self.scope}-doan-{n}" if self.scope else f"doan-{n}")


class _AssignAnchors(Treeprocessor):
    # Runs after inline parsing (the text of **Điều 1.** is known) and before the toc extension,
    # which keeps ids already set on headings.

    def run(self, root: etree.Element) -> None:
        numbering = _Numbering()
        numbering.used.update(el.get("id") for el in root.iter() if el.get("id"))
        for el in list(root):
            self._block(el, numbering)

    def _block(self, el: etree.Element, numbering: _Numbering) -> None:
        if el.get("id"):
            return
        label = label_of(_text(el)) if el.tag in _HEADINGS or el.tag == "p" else None
        if label is not None:
            el.set("id", numbering.labelled(label))
        elif el.tag in _HEADINGS:
            el.set("id", numbering.heading(_text(el)))
        elif el.tag in _BLOCKS:
            el.set("id", numbering.paragraph())
        elif el.tag == "ol":
            self._ordered(el, numbering)
            return
        elif el.tag == "ul":
            for li in el.findall("li"):
                li.set("id", numbering.paragraph())
                self._nested(li, numbering)
                li.set(_PIN_MARK, "1")
            return
        else:
            return
        if el.tag != "table":
            el.set(_PIN_MARK, "1")

    def _ordered(self, ol: etree.Element, numbering: _Numbering) -> None:
        try:
            number = int(ol.get("start", "1"))
        except ValueError:
            number = 1
        saved = (list(numbering.stack), numbering.scope)
        for li in ol.findall("li"):
            numbering.stack, numbering.scope = list(saved[0]), saved[1]
            li.set("id", numbering.labelled(_Label("muc", 3, str(number))))
            self._nested(li, numbering)
            li.set(_PIN_MARK, "1")
            number += 1

    def _nested(self, li: etree.Element, numbering: _Numbering) -> None:
        # Items of a list inside an item: the item's anchor and their position ("muc-1-2").
        for sub in li:
            if sub.tag in ("ul", "ol"):
                for n, item in enumerate(sub.findall("li"), 1):
                    item.set("id", numbering.unique(f"{li.get('id')}-{n}"))
                    item.set(_PIN_MARK, "1")


class _AddPins(Treeprocessor):
    # After the toc extension: the "¶" must not become part of a heading's name in the toc.

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.attrib.pop(_PIN_MARK, None) is None:
                continue
            # Lean on purpose (one per paragraph, ~50 per page; pages stay under 40 KB): no title
            # repeating the label; search pages leave it out (PIN_HTML, and ".vb-pin" in search.EXCLUDED).
            pin = etree.Element("a", {"class": PIN_CLASS, "href": f"#{el.get('id')}", "aria-label": _PIN_LABEL})
            pin.text = "¶"
            target = el
            if el.tag == "li" and not (el.text or "").strip() and len(el) and el[0].tag == "p":
                target = el[0]  # a loose list item: the pin ends its first paragraph
            elif el.tag == "blockquote" and len(el) and el[-1].tag == "p":
                target = el[-1]
            nested = next((i for i, child in enumerate(target) if child.tag in ("ul", "ol")), None)
            if target.tag == "li" and nested is not None:
                # Before a nested list, so the pin stays on the item's own line.
                if nested > 0:
                    prev = target[nested - 1]
                    prev.tail = (prev.tail or "").rstrip() + " "
                else:
                    target.text = (target.text or "").rstrip() + " "
                target.insert(nested, pin)
            else:
                if len(target):
                    target[-1].tail = (target[-1].tail or "") + " "
                else:
                    target.text = (target.text or "") + " "
                target.append(pin)


class PinpointExtension(Extension):
    """Stable anchors and "¶" links on the blocks of a directive's body."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_AssignAnchors(md), "vanban_anchors", 6)
        md.treeprocessors.register(_AddPins(md), "vanban_pins", 4)
