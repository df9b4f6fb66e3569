"""Page shells: a theme's page template rendered once with placeholders, then filled in per page.

Material's page template costs ~1.8 ms of CPU per page: at 10 000 directives, 13 000 generated
pages cost ~24 CPU-seconds on every build, cached or not. Yet the generated pages of one folder
differ only in a few values (title, description, head tags, content, table of contents, canonical
address). A shell is the template's output for one page with each of those values replaced by a
placeholder, cut at the placeholders; a page is the shell's parts joined with its own values.

A shell is trusted only once it has reproduced the full rendering of a second page of its shape
byte for byte (`ShellBook`): a template that prints some other per-page value, or passes one of
these through a filter, makes the pages of that shape fall back to full rendering. A placeholder
holds `<`, `&` and `"`, so a filter that escapes or strips tags cannot leave it recognisable.
"""

from __future__ import annotations

import logging
import re
from typing import Callable, Hashable, Mapping

__all__ = ["SLOTS", "placeholder", "shape", "Shell", "ShellBook"]

log = logging.getLogger("mkdocs.hooks.vanban.shell")

SLOTS = ("title", "description", "head", "content", "toc", "canonical")
"""What differs between the pages of one shape (see the adapter, `archive_hooks._Theme.output`)."""

_MARK = "\x00vb-slot"


def placeholder(slot: str) -> str:
    """The text a probe rendering carries instead of `slot`'s value. The content's holds "<h1" like
    every generated page's content, since Material adds a heading to content without one."""
    return f'{_MARK}:{slot}<h1 &"\x00'


def shape(url: str, first_toc_url: str, values: Mapping[str, str]) -> tuple:
    """What a page's shape depends on besides its values: its folder (relative links, the cached
    navigation), its first table-of-contents entry, and which optional parts the template prints."""
    return (url.rstrip("/").rpartition("/")[0], first_toc_url, "<h1" in values["content"],
            *(bool(values[slot]) for slot in ("description", "head", "canonical")))


_SPLIT = re.compile("|".join(re.escape(placeholder(s)) for s in SLOTS))
_BY_TEXT = {placeholder(s): s for s in SLOTS}


class Shell:
    """A probe rendering cut at its placeholders: literal parts and, between them, slot names."""

    __slots__ = ("parts", "slots")

    def __init__(self, parts: list[str], slots: list[str]) -> None:
        self.parts = parts
        self.slots = slots

    @classmethod
    def cut(cls, probe: str) -> "Shell | None":
        """The shell of a probe rendering, or None when a placeholder came out altered (filtered,
        cut short) or some slot's placeholder is missing."""
        parts = _SPLIT.split(probe)
        slots = [_BY_TEXT[m] for m in _SPLIT.findall(probe)]
        if any(_MARK in part for part in parts) or not {"content", "title"} <= set(slots):
            return None
        return cls(parts, slots)

    def tidied(self, tidy: Callable[[str], str]) -> "Shell":
        """The shell with `tidy` applied to its literal parts (once, not to every page filled in)."""
        return Shell([tidy(part) for part in self.parts], self.slots)

    def fill(self, values: Mapping[str, str]) -> str:
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            out.append(values[slot])
            out.append(part)
        return "".join(out)


_REFUSED = "refused"


class ShellBook:
    """The shells of one build, by shape key.

    The first page of a shape is rendered in full and probed; the shell must reproduce it. The
    second is rendered in full too and must be reproduced as well (a value the template takes from
    the page that is not a slot shows here); from the third on, pages are filled in.

    `tidy`, a change every page goes through after this (an `on_post_page` hook), is applied to a
    trusted shell's parts once: what it would change in them is changed, and the page's own pass
    then finds nothing there. It must change text only within a part's own matches, as a
    substitution of tags does.
    """

    def __init__(self, tidy: Callable[[str], str] | None = None) -> None:
        self._tidy = tidy
        self._shells: dict[Hashable, Shell | str] = {}
        self._pending: dict[Hashable, Shell] = {}
        self.filled = 0
        self.rendered = 0

    def page(self, key: Hashable, values: Mapping[str, str], render: Callable[[], str],
             probe: Callable[[], str]) -> str:
        known = self._shells.get(key)
        if isinstance(known, Shell):
            self.filled += 1
            return known.fill(values)
        output = render()
        self.rendered += 1
        if known == _REFUSED:
            return output
        shell = self._pending.pop(key, None)
        first = shell is None
        if first:
            shell = Shell.cut(probe())
        if shell is None or shell.fill(values) != output:
            log.debug(f"Khuôn trang {key!r}: không dùng được, dựng đủ từng trang.")
            self._shells[key] = _REFUSED
        elif first:
            self._pending[key] = shell
        else:
            self._shells[key] = shell.tidied(self._tidy) if self._tidy else shell
        return output
