"""Material's invalid attributes are removed from written pages, and nothing else changes."""

from vanban.markup import fix_material_markup


def test_empty_tabindex_and_checkbox_autocomplete_removed():
    html = ('<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'
            '<label class="md-nav__link" for="__nav_2" id="__nav_2_label" tabindex="">Văn bản</label>'
            '<label class="md-nav__link" for="__nav_3" tabindex="0">Hướng dẫn</label>'
            '<input type="text" name="q" autocomplete="off">')
    fixed = fix_material_markup(html)
    assert 'tabindex=""' not in fixed and 'tabindex="0"' in fixed
    assert '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">' in fixed
    assert '<input type="text" name="q" autocomplete="off">' in fixed  # allowed on a text field


def test_built_pages_carry_no_invalid_material_attributes(sample_site):
    for name in ("index.html", "404.html", "van-ban/2024/15-qd-stttt/index.html"):
        html = (sample_site.site / name).read_text(encoding="utf-8")
        assert 'id="__drawer"' in html
        assert 'tabindex=""' not in html and 'type="checkbox" id="__drawer" autocomplete' not in html
