"""Page shells (vanban/shell.py): pages filled into a probed template equal their full rendering, and a
template that prints a page value the shell cannot carry falls back to full rendering."""

import jinja2

from vanban.shell import SLOTS, Shell, ShellBook, placeholder

PAGES = [
    {"title": "Kế hoạch 02/KH-UBND", "url": "/a/", "content": "<h1>A</h1><p>một</p>"},
    {"title": "Công văn 1562/UBND-KT", "url": "/b/", "content": "<h1>B</h1><p>hai &amp; ba</p>"},
    {"title": "&lt;script&gt; Thông báo", "url": "/c/", "content": "<h1>C</h1>"},
    {"title": "Quyết định 5/QĐ", "url": "/d/", "content": "<h1>D</h1><p>bốn</p>"},
]


def build(template_source: str) -> tuple[list[str], list[str], ShellBook]:
    """Each page through a ShellBook (one shape), and each page rendered in full."""
    template = jinja2.Environment().from_string(template_source)
    book = ShellBook()
    through_book, full = [], []
    for page in PAGES:
        values = {slot: "" for slot in SLOTS} | {"title": page["title"], "content": page["content"]}
        render = lambda page=page: template.render(page=page)  # noqa: E731
        probe = lambda page=page: template.render(page=page | {"title": placeholder("title"),  # noqa: E731
                                                               "content": placeholder("content")})
        through_book.append(book.page("shape", values, render, probe))
        full.append(render())
    return through_book, full, book


def test_a_template_that_prints_the_slots_as_they_are_is_filled_after_two_verified_pages():
    through_book, full, book = build("<title>{{ page.title }} - Văn bản</title><main>{{ page.content }}</main>"
                                     "<footer>{{ page.title }}</footer>")
    assert through_book == full
    assert (book.rendered, book.filled) == (2, 2)


def test_a_filtered_slot_makes_the_shape_render_in_full():
    # Escaping the title again would turn the third page's "&lt;" into "&amp;lt;": a shell that
    # pasted the title as it is would differ. The probe shows the filter; every page renders.
    through_book, full, book = build("<title>{{ page.title | e }}</title>{{ page.content }}")
    assert through_book == full
    assert "&amp;lt;script" in through_book[2]
    assert (book.rendered, book.filled) == (4, 0)


def test_a_page_value_that_is_not_a_slot_makes_the_shape_render_in_full():
    # The URL differs between pages but is no slot: the probe carries the first page's URL, and the
    # second page's full rendering does not match the shell filled with its values.
    through_book, full, book = build('<link href="{{ page.url }}"><title>{{ page.title }}</title>{{ page.content }}')
    assert through_book == full
    assert ['href="/a/"' in out for out in through_book] == [True, False, False, False]
    assert (book.rendered, book.filled) == (4, 0)


def test_a_shell_needs_the_title_and_content_placeholders_unaltered():
    assert Shell.cut(f"<p>{placeholder('title')}</p>{placeholder('content')}") is not None
    assert Shell.cut(f"<p>{placeholder('title')}</p>") is None
    assert Shell.cut(f"<p>{placeholder('title')}</p>{placeholder('content')[:-2]}") is None


def test_a_shell_fills_each_slot_where_its_placeholder_was():
    shell = Shell.cut(f"a{placeholder('title')}b{placeholder('content')}c{placeholder('title')}d")
    assert shell is not None
    assert shell.fill({"title": "T", "content": "<h1>C</h1>"}) == "aTb<h1>C</h1>cTd"


def test_a_tidy_step_is_applied_once_to_a_trusted_shell_and_never_to_the_values():
    from vanban.markup import fix_material_markup

    template = jinja2.Environment().from_string('<label for="x" tabindex="">{{ page.title }}</label>{{ page.content }}')
    pages = PAGES[:3] + [PAGES[3] | {"content": '<h1>D</h1><label tabindex="">trong nội dung</label>'}]
    book = ShellBook(tidy=fix_material_markup)
    out = []
    for page in pages:
        values = {slot: "" for slot in SLOTS} | {"title": page["title"], "content": page["content"]}
        out.append(book.page("shape", values, lambda page=page: template.render(page=page),
                             lambda page=page: template.render(page=page | {"title": placeholder("title"),
                                                                            "content": placeholder("content")})))
    # The two verified pages are the full renderings (the page's own pass tidies them); the
    # filled-in ones come with the frame tidied and the content as it was given.
    assert [o.startswith('<label for="x" tabindex="">') for o in out] == [True, True, False, False]
    assert '<label tabindex="">trong nội dung</label>' in out[3]
    # After the page's own pass, every page is what tidying its full rendering gives.
    assert [fix_material_markup(o) for o in out] == [fix_material_markup(template.render(page=p)) for p in pages]
