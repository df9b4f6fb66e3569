"""The citation parser over real-looking phrasings: what it finds, what it must not find."""

from datetime import date

import pytest

from vanban.citations import find_citations, markdown_scan_text


def one(text: str):
    found = find_citations(text)
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.mark.parametrize("text, number, cited_date, linked", [
    # The seed document's own phrasings.
    ("Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023 của UBND tỉnh cải cách hành chính",
     "02/KH-UBND", date(2023, 1, 4), "Kế hoạch số 02/KH-UBND ngày 04/01/2023"),
    ("Công văn số 1562/UBND-KT ngày 27/12/2022 của UBND tỉnh về việc tăng cường",
     "1562/UBND-KT", date(2022, 12, 27), "Công văn số 1562/UBND-KT ngày 27/12/2022"),
    ("về nội dung Nghị quyết số 37/NQ-HĐND về sáp nhập, giải thể thôn", "37/NQ-HĐND", None, "Nghị quyết số 37/NQ-HĐND"),
    # No "số" before a legal-normative number.
    ("Căn cứ Nghị định 30/2020/NĐ-CP của Chính phủ", "30/2020/NĐ-CP", None, "Nghị định 30/2020/NĐ-CP"),
    # The long date form.
    ("Quyết định số 1234/QĐ-UBND ngày 5 tháng 6 năm 2023 của Chủ tịch UBND tỉnh",
     "1234/QĐ-UBND", date(2023, 6, 5), "Quyết định số 1234/QĐ-UBND ngày 5 tháng 6 năm 2023"),
    ("Kế hoạch số 07/KH-UBND ngày 10 tháng 01 năm 2023", "07/KH-UBND", date(2023, 1, 10), None),
    # Lower-case type word, generic "văn bản".
    ("đề nghị thực hiện văn bản số 45/STTTT-VP.", "45/STTTT-VP", None, "văn bản số 45/STTTT-VP"),
    ("theo kế hoạch số 08/KH-UBND", "08/KH-UBND", None, None),
    # Dates without leading zeros, with dots or dashes.
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;",
     "30/2020/NĐ-CP", date(2020, 3, 5), None),
    ("Chỉ thị số 12/CT-TTg ngày 1/2/2024 của Thủ tướng Chính phủ", "12/CT-TTg", date(2024, 2, 1), None),
    ("Thông báo số 05/TB-STTTT ngày 20.5.2024", "05/TB-STTTT", date(2024, 5, 20), None),
    ("Giấy mời số 20/GM-STTTT ngày 08-9-2025", "20/GM-STTTT", date(2025, 9, 8), None),
    # A comma or "ban hành" before the date.
    ("Kế hoạch số 02/KH-UBND, ngày 04/01/2023", "02/KH-UBND", date(2023, 1, 4), None),
    ("Quyết định số 15/QĐ-STTTT ban hành ngày 12/3/2024", "15/QĐ-STTTT", date(2024, 3, 12), None),
    # Multi-word and rarer types, of Decree 30 and legal-normative documents.
    ("Thông tư liên tịch số 01/2020/TTLT-BTC-BNV", "01/2020/TTLT-BTC-BNV", None, None),
    ("Thông tư 01/2011/TT-BNV hướng dẫn thể thức", "01/2011/TT-BNV", None, None),
    ("Luật số 80/2015/QH13 ban hành văn bản quy phạm pháp luật", "80/2015/QH13", None, None),
    ("Bản ghi nhớ số 03/BGN-UBND", "03/BGN-UBND", None, None),
    ("Giấy ủy quyền số 02/GUQ-STTTT", "02/GUQ-STTTT", None, None),
    ("Tờ trình số 110/TTr-STTTT ngày 01/11/2024", "110/TTr-STTTT", date(2024, 11, 1), None),
    ("Công điện số 05/CĐ-UBND", "05/CĐ-UBND", None, None),
    ("Chương trình số 09/CTr-UBND", "09/CTr-UBND", None, None),
    ("Hướng dẫn số 14/HD-STTTT", "14/HD-STTTT", None, None),
    ("Báo cáo số 321/BC-UBND ngày 30/12/2022", "321/BC-UBND", date(2022, 12, 30), None),
    # Line breaks inside (Markdown wraps), "Số:" with a colon, spaces around the slash or hyphen.
    ("Kế hoạch\nsố 02/KH-UBND ngày\n04/01/2023", "02/KH-UBND", date(2023, 1, 4), None),
    ("Quyết định Số: 40/QĐ-STTTT", "40/QĐ-STTTT", None, None),
    ("Kế hoạch số 02 / KH-UBND", "02/KH-UBND", None, None),
    ("Kế hoạch số 02/KH - UBND", "02/KH-UBND", None, None),
    # The symbol stops where the sentence goes on.
    ("Công văn số 1562/UBND-KT - nội dung như sau", "1562/UBND-KT", None, "Công văn số 1562/UBND-KT"),
    ("(Kế hoạch số 12/KH-STTTT).", "12/KH-STTTT", None, "Kế hoạch số 12/KH-STTTT"),
    # The look-alike Ð (U+00D0) of copied text.
    ("Nghị định số 155/2020/NÐ-CP", "155/2020/NĐ-CP", None, None),
])
def test_finds_citation(text, number, cited_date, linked):
    c = one(text)
    assert c.number.text == number
    assert c.date == cited_date
    if linked:
        assert " ".join(text[c.start:c.link_end].split()) == " ".join(linked.split())


@pytest.mark.parametrize("text", [
    "Lạng Sơn, ngày 04 tháng 01 năm 2023",              # a date is not a citation
    "báo cáo trước ngày 15/12/2025./.",
    "số 02/KH-UBND",                                      # no type word
    "Kế hoạch CCHC tỉnh năm 2023",                        # type word, no number
    "Kế hoạch số 4/2023",                                 # a symbol needs a letter
    "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII",
    "Công văn số /STTTT-TTBCXB",                           # the unnumbered copy's blank number
    "Tờ khai số 12/KH-STTTT",                              # not a document type
    "Kếhoạch số 02/KH-UBND",
    "http://example.gov.vn/ke-hoach/02/KH-UBND",
    "Quyết định năm 2023",
])
def test_does_not_match(text):
    assert find_citations(text) == []


def test_several_citations_in_one_sentence_in_order():
    text = ("Kế hoạch số 02/KH-UBND ngày 04/01/2023; Kế hoạch số 07/KH-UBND ngày 10/01/2023; "
            "Công văn số 1562/UBND-KT ngày 27/12/2022; Kế hoạch số 08/KH-UBND ngày 10/01/2023 gửi kèm theo")
    assert [c.number.text for c in find_citations(text)] == ["02/KH-UBND", "07/KH-UBND", "1562/UBND-KT", "08/KH-UBND"]


def test_a_number_cited_again_is_the_same_number():
    # A build holds every directive's citations; one number cited in many texts is one object.
    first = find_citations("Kế hoạch số 02/KH-UBND ngày 04/01/2023 của UBND tỉnh")[0]
    second = find_citations("Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023 của UBND tỉnh về việc")[0]
    assert first.number is second.number and first.issuer == second.issuer == "UBND tỉnh"
    assert find_citations("Kế hoạch số 2/KH-UBND")[0].number.text == "2/KH-UBND"  # not the "02" above


@pytest.mark.parametrize("text, issuer", [
    ("Kế hoạch số 02/KH-UBND ngày 04/01/2023 của UBND tỉnh cải cách hành chính", "UBND tỉnh"),
    ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư", "Chính phủ"),
    ("Nghị quyết số 37/NQ-HĐND của Hội đồng nhân dân tỉnh về việc sáp nhập", "Hội đồng nhân dân tỉnh"),
    ("Công văn số 45/STTTT-VP của Sở Thông tin và Truyền thông về việc", "Sở Thông tin và Truyền thông"),
    ("Kế hoạch số 02/KH-UBND do Ủy ban nhân dân tỉnh Lạng Sơn ban hành", "Ủy ban nhân dân tỉnh Lạng Sơn"),
    ("Kế hoạch số 02/KH-UBND của đơn vị", None),
])
def test_issuer(text, issuer):
    assert one(text).issuer == issuer


def test_year_is_the_dates_else_the_numbers():
    assert one("Quyết định số 15/QĐ-STTTT ngày 12/3/2024").year == 2024
    assert one("Nghị định 30/2020/NĐ-CP").year == 2020
    assert one("Kế hoạch số 02/KH-UBND").year is None


def test_impossible_date_is_not_used():
    c = one("Kế hoạch số 02/KH-UBND ngày 31/02/2023")
    assert c.date is None and c.year is None


def test_code_is_blanked_but_lines_are_kept():
    body = "Trước\n\n```\nKế hoạch số 02/KH-UBND\n```\n\nvà `Kế hoạch số 07/KH-UBND` rồi Kế hoạch số 08/KH-UBND\n"
    scanned = markdown_scan_text(body)
    assert len(scanned) == len(body) and scanned.count("\n") == body.count("\n")
    assert [c.number.text for c in find_citations(scanned)] == ["08/KH-UBND"]


def test_citation_right_after_an_issuer_is_found():
    text = "Kế hoạch số 02/KH-UBND ngày 04/01/2023 của UBND tỉnh và Luật số 80/2015/QH13 của Quốc hội"
    assert [(c.number.text, c.issuer) for c in find_citations(text)] == [("02/KH-UBND", "UBND tỉnh"), ("80/2015/QH13", "Quốc hội")]
