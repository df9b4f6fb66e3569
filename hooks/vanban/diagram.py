"""The relation diagram of a directive page, laid out at build time and drawn as inline SVG.

Why not Mermaid: Material loads Mermaid from a CDN (a request to another host), and a vendored copy
is ~3 MB of JavaScript that would run on every page and needs CSP changes. The diagram is a star
with three columns, so it is computed here: documents that relate to this one on the left, this one
in the middle, documents it relates to on the right; each arrow reads "left <verb> right". Nodes of
documents in the archive are links; the SVG needs no script and no style attribute. Where the
column is too narrow for 12 px text (phones) the page shows the relations as a list instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .crossrefs import CrossRefs
from .model import Directive

__all__ = ["Diagram", "Node", "Edge", "relation_diagram", "MAX_PER_SIDE"]

# 764 px wide: drawn at 14 px, its text stays at 12 px or more down to a 655 px column, the width of
# the text column beside both sidebars at 1280 px is 688 px. Narrower columns (phones) hide the SVG
# and show the same relations as the list below it (vanban.css).
NODE_W, NODE_H, ROW, GAP, PAD = 184, 48, 64, 100, 6
MAX_PER_SIDE = 8
"""More relations than this on one side are summed up in one "+N văn bản khác" node."""


@dataclass(frozen=True)
class Node:
    x: int
    y: int
    line1: str
    """Type name: "Kế hoạch"."""
    line2: str
    """Number and year: "02/KH-UBND (2023)", or "chưa có trong kho"."""
    url: str | None
    """Site-relative URL of the directive; None for this page's node and for unresolved ones."""
    kind: str
    """"self", "doc", "missing" or "more" (CSS class suffix)."""

    @property
    def label(self) -> str:
        return f"{self.line1} {self.line2}"


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    verb: str

    @property
    def label_x(self) -> int:
        return (self.x1 + self.x2) // 2

    @property
    def label_y(self) -> int:
        return (self.y1 + self.y2) // 2 - 5


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    description: str
    """The diagram in words, for screen readers: "Kế hoạch 08/KH-UBND … thực hiện …"."""
    node_w: int = NODE_W
    node_h: int = NODE_H


def relation_diagram(d: Directive, links: CrossRefs) -> Diagram | None:
    """The diagram of `d`'s relations and their inverses; None when it has none."""
    incoming = [(rel.predicate.verb, rel.source, None) for rel in links.inverse_relations(d)]
    outgoing = [(rel.predicate.verb, rel.target, rel.ref) for rel in links.relations(d)]
    if not incoming and not outgoing:
        return None
    rows = max(min(len(incoming), MAX_PER_SIDE + 1), min(len(outgoing), MAX_PER_SIDE + 1), 1)
    height = rows * ROW + 2 * PAD - (ROW - NODE_H)
    # A side without documents takes no room (it left 40 % of the drawing empty).
    step = NODE_W + GAP
    left = PAD if incoming else PAD - step
    columns = (left, left + step, left + 2 * step)
    width = (columns[2] if outgoing else columns[1]) + NODE_W + PAD
    center_y = (height - NODE_H) // 2
    me = Node(columns[1], center_y, d.type.name, _number_line(d), None, "self")
    nodes, edges, words = [me], [], []
    for side, items in ((0, incoming), (2, outgoing)):
        shown = items if len(items) <= MAX_PER_SIDE + 1 else items[:MAX_PER_SIDE]
        top = (height - (len(shown) + (len(items) > len(shown))) * ROW + (ROW - NODE_H)) // 2
        for i, (verb, other, ref) in enumerate(shown):
            y = top + i * ROW
            node = _node(columns[side], y, other, ref)
            nodes.append(node)
            if side == 0:
                edges.append(Edge(node.x + NODE_W, y + NODE_H // 2, me.x, center_y + NODE_H // 2, verb))
                words.append(f"{node.label} {verb} văn bản này")
            else:
                edges.append(Edge(me.x + NODE_W, center_y + NODE_H // 2, node.x, y + NODE_H // 2, verb))
                words.append(f"văn bản này {verb} {node.label}")
        if len(items) > len(shown):
            y = top + len(shown) * ROW
            nodes.append(Node(columns[side], y, f"+{len(items) - len(shown)} văn bản khác", "xem danh sách bên dưới",
                              None, "more"))
    return Diagram(width, height, tuple(nodes), tuple(edges), "; ".join(words) + ".")


def _number_line(d: Directive) -> str:
    return f"{d.number_display} ({d.year})" if d.year else d.number_display


def _node(x: int, y: int, other: Directive | None, ref) -> Node:
    if other is not None:
        return Node(x, y, other.type.name, _number_line(other), other.url, "doc")
    year = ref.year or ref.number.year
    where = ref.issuer.short if ref.issuer is not None else "chưa có trong kho"  # declared outside the archive
    return Node(x, y, f"{ref.number}" + (f" ({year})" if year else ""), where, None, "missing")
