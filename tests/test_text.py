import unicodedata

import pytest

from vanban.text import display_subject, fold, normalize, slugify


def test_normalize_composes_decomposed_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Nghị quyết")
    assert decomposed != "Nghị quyết"
    assert normalize(decomposed) == "Nghị quyết"


@pytest.mark.parametrize("new_style, old_style", [
    ("Hoà", "Hòa"), ("uỷ ban", "ủy ban"), ("Thuỷ lợi", "Thủy lợi"), ("HOẢ TỐC", "HỎA TỐC"), ("khoẻ", "khỏe"),
])
def test_normalize_uses_one_tone_placement_style(new_style, old_style):
    assert normalize(new_style) == old_style
    assert normalize(old_style) == old_style


@pytest.mark.parametrize("word", ["quý", "hoàn thành", "thuyết", "khuyến", "Quỳnh"])
def test_normalize_leaves_words_where_styles_agree(word):
    assert normalize(word) == word


def test_normalize_maps_eth_lookalike_and_strips_zero_width():
    assert normalize("N\u00d0-CP") == "NĐ-CP"
    assert normalize("đất\u200b đai\ufeff") == "đất đai"


@pytest.mark.parametrize("text, folded", [
    ("Đất đai", "dat dai"), ("cải cách hành chính", "cai cach hanh chinh"), ("ĐƯỜNG ĐIỆN", "duong dien"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_slugify():
    assert slugify("1562/UBND-KT") == "1562-ubnd-kt"
    assert slugify("30/2020/NĐ-CP") == "30-2020-nd-cp"
    assert slugify("  Sở TT&TT — 2023 ") == "so-tt-tt-2023"


def test_fast_path_agrees_with_full_normalisation():
    from hypothesis import given, settings, strategies as st

    from vanban.text import _normalize_slow

    letters = st.sampled_from(list("oOuUaAeEyYqQ đĐnh.,") + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302",
                                                            "\u200b", "\u00d0", "à", "ỷ", "Ỳ", "ọ", "ẹ"])

    @settings(max_examples=2000, deadline=None)
    @given(st.lists(letters, max_size=12).map("".join))
    def agree(text):
        assert normalize(text) == _normalize_slow(text)

    agree()


@pytest.mark.browser
@pytest.mark.parametrize("word", ["thực hiện", "cải cách hành chính", "văn hóa"])
def test_decomposed_query_searches_like_precomposed(browser, served_sample, word):
    # A query pasted from Word in decomposed form ("e" + U+0323 + U+0302 for "ệ") finds the same
    # directives, in the same order, as the precomposed one typed on a keyboard.
    page = browser.new_page()

    def results(query: str) -> list[str]:
        page.goto(served_sample + "tim-kiem/")
        page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
        page.fill("#vb-q", query)
        page.press("#vb-q", "Enter")
        page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
        page.wait_for_function("() => document.querySelector('#vb-search-status').textContent.trim() !== ''")
        return page.locator(".vb-result a").evaluate_all("els => els.map(a => a.getAttribute('href'))")

    try:
        nfd = unicodedata.normalize("NFD", word)
        assert nfd != word
        precomposed = results(word)
        assert precomposed
        assert results(nfd) == precomposed
    finally:
        page.close()


@pytest.mark.parametrize("stored, shown", [
    ("tuyên truyền: cải cách hành chính", "Tuyên truyền: cải cách hành chính"),
    ("“đẩy mạnh phát triển”", "“Đẩy mạnh phát triển”"),
    ("Cải cách hành chính", "Cải cách hành chính"),
    ("UBND tỉnh", "UBND tỉnh"),
    ("<script>x", "<script>x"),  # only opening quotes and brackets may stand before the first word
    ("", ""),
])
def test_display_subject_upper_cases_the_first_letter_only(stored, shown):
    assert display_subject(stored) == shown
