import pytest

from vanban.numbers import DocumentNumber, NumberError


@pytest.mark.parametrize("raw, numeral, year, symbol", [
    ("1562/UBND-KT", "1562", None, "UBND-KT"),
    ("02/KH-UBND", "02", None, "KH-UBND"),
    ("30/2020/NĐ-CP", "30", 2020, "NĐ-CP"),
    ("/STTTT-TTBCXB", None, None, "STTTT-TTBCXB"),
    ("Số: 37/NQ-HĐND", "37", None, "NQ-HĐND"),
    ("05 / 2019 / NQ-HĐND", "05", 2019, "NQ-HĐND"),
    ("45/STTTT-VP", "45", None, "STTTT-VP"),
    ("12/CT-TTg", "12", None, "CT-TTg"),
    ("123/KH-UBND-VX", "123", None, "KH-UBND-VX"),
])
def test_parse_components(raw, numeral, year, symbol):
    n = DocumentNumber.parse(raw)
    assert (n.numeral, n.year, n.symbol) == (numeral, year, symbol)


@pytest.mark.parametrize("raw", ["", "KH-UBND", "02/", "02/KH UBND x/y", "abc", "02//KH", "02/KH-", "<script>/x"])
def test_parse_rejects(raw):
    with pytest.raises(NumberError):
        DocumentNumber.parse(raw)


@pytest.mark.parametrize("a, b", [
    ("155/2020/nd-cp", "155/2020/NĐ-CP".replace("Đ", "D")),
    ("155/2020/nđ-cp", "155/2020/NĐ-CP"),
    ("155/2020/N\u00d0-CP", "155/2020/NĐ-CP"),
    ("12/CT-TTG", "12/CT-TTg"),
    ("2/KH-UBND", "02/KH-UBND"),
    ("1562 / ubnd - kt", "1562/UBND-KT"),
])
def test_same_key(a, b):
    assert DocumentNumber.parse(a).key == DocumentNumber.parse(b).key


def test_different_numbers_have_different_keys():
    assert DocumentNumber.parse("02/KH-UBND").key != DocumentNumber.parse("07/KH-UBND").key
    assert DocumentNumber.parse("30/2020/NĐ-CP").key != DocumentNumber.parse("30/2021/NĐ-CP").key


def test_slug_and_text():
    n = DocumentNumber.parse("1562 / UBND-KT")
    assert n.text == "1562/UBND-KT"
    assert n.slug == "1562-ubnd-kt"
    assert DocumentNumber.parse("30/2020/NĐ-CP").slug == "30-2020-nd-cp"
    assert not DocumentNumber.parse("/STTTT-TTBCXB").is_numbered
