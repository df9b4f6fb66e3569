"""The "Thống kê" page: how many directives per year, type, issuer and topic, as build-time SVG charts.

The charts are drawn here as plain numbers (bar lengths, positions) and written as inline SVG by
`templates/stats.html`: no chart library, no request to another host, nothing to run in the
browser. Each bar links to its listing; the same numbers are in a table beside the chart for screen
readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass

from .listings import INDEXES, Listing

__all__ = ["Bar", "Chart", "build_charts", "STATS_URL", "CHART_WIDTH"]

STATS_URL = "thong-ke/"

CHART_WIDTH = 360
"""SVG user units; the chart scales to the column width. A phone's column is about as wide, so its
13 px text stays 13 px there, and each bar's link (its whole row, 40 units) stays over 24 px tall."""
_LABEL_HEIGHT = 16
_BAR_HEIGHT = 14
_ROW_GAP = 10
_BAR_SPACE = 300
"""Width of the longest bar; the rest is room for its count."""

_TITLES = {
    "year": ("Theo năm", "Năm"),
    "type": ("Theo loại văn bản", "Loại văn bản"),
    "issuer": ("Theo cơ quan ban hành", "Cơ quan ban hành"),
    "topic": ("Theo lĩnh vực", "Lĩnh vực"),
}


@dataclass
class Bar:
    label: str
    url: str
    """Site-relative URL of the listing the bar links to."""
    count: int
    y: int = 0
    """Top of the label line, in SVG units."""
    width: int = 0
    """Bar length in SVG units (at least 2, so a count of 1 stays visible)."""

    @property
    def bar_y(self) -> int:
        return self.y + _LABEL_HEIGHT + 2

    @property
    def text_y(self) -> int:
        return self.y + _LABEL_HEIGHT - 4

    @property
    def count_x(self) -> int:
        return self.width + 6

    @property
    def count_y(self) -> int:
        return self.bar_y + _BAR_HEIGHT - 2


@dataclass
class Chart:
    kind: str
    title: str
    """"Theo năm"."""
    column: str
    """Header of the table's first column: "Năm"."""
    bars: list[Bar]
    index_url: str
    note: str = ""
    """What the chart leaves out, said plainly ("1 văn bản chưa rõ năm …")."""

    @property
    def height(self) -> int:
        return len(self.bars) * (_LABEL_HEIGHT + _BAR_HEIGHT + _ROW_GAP) + 4

    @property
    def width(self) -> int:
        return CHART_WIDTH

    @property
    def bar_height(self) -> int:
        return _BAR_HEIGHT

    @property
    def row_height(self) -> int:
        """Label, bar and the gap below: the height of a bar's link, which covers its whole row."""
        return _LABEL_HEIGHT + _BAR_HEIGHT + _ROW_GAP

    @property
    def total(self) -> int:
        return sum(b.count for b in self.bars)


def build_charts(listings: list[Listing], total: int) -> list[Chart]:
    """One chart per grouping, years in order, the other groups largest first (ties: registry order).

    `total` is the number of directives, to say how many have no year (undated cited documents).
    """
    charts = []
    for kind, (title, column) in _TITLES.items():
        group = [lst for lst in listings if lst.kind == kind]
        if kind == "year":
            group.sort(key=lambda lst: int(lst.key))
        else:
            group = sorted(group, key=lambda lst: -len(lst.directives))  # stable: registry order on ties
        bars = [Bar(lst.title if kind != "year" else lst.key, lst.url, len(lst.directives)) for lst in group]
        longest = max((b.count for b in bars), default=0)
        for i, bar in enumerate(bars):
            bar.y = i * (_LABEL_HEIGHT + _BAR_HEIGHT + _ROW_GAP)
            bar.width = max(2, round(_BAR_SPACE * bar.count / longest)) if longest else 0
        chart = Chart(kind, title, column, bars, INDEXES[kind][0])
        if kind == "year" and chart.total < total:
            chart.note = f"{total - chart.total} văn bản chưa rõ năm ban hành không có trong biểu đồ này."
        charts.append(chart)
    return charts
