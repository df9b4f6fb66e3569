"""The judged query set of the search page: what a reader types, and the document that must come first.

Two archives: the bundled sample (`directives/`, 13 documents) and the synthetic archive of
`generate.py` (`benchmarks/out/1000`, seed 1). Each entry is (query, expected, why), where expected is

- a URL: that document must be the first answer;
- NONE: no document answers; the page must say so ("Không có…" / "Không tìm thấy…") and show no answer;
- ("subject", text): any document whose subject, folded, equals `text` (the synthetic archive repeats
  15 subjects over hundreds of documents: each of them is an equally right first answer);
- ("subject_has", text): any document whose folded subject contains `text`.

The judgements were written from the documents' subjects and numbers before the ranking was changed,
not read off any ranking.
"""

from __future__ import annotations

NONE = "none"

SAMPLE: list[tuple[str, object, str]] = [
    # Whole titles and topics, typed without diacritics
    ("cai cach hanh chinh", "/van-ban/2023/02-kh-ubnd/", "the plan whose subject is that phrase (issue 18)"),
    ("cải cách hành chính tỉnh Lạng Sơn năm 2023", "/van-ban/2023/02-kh-ubnd/", "whole title"),
    ("cong tac van thu", "/van-ban/2020/30-2020-nd-cp/", "subject 'Về công tác văn thư'"),
    ("tiep cong dan", "/van-ban/2024/05-tb-stttt/", "subject 'Lịch tiếp công dân…'"),
    ("lich tiep cong dan thang 6", "/van-ban/2024/05-tb-stttt/", "whole title without marks"),
    ("sap nhap thon", "/van-ban/khong-ro-nam/37-nq-hdnd/", "shortest subject that is the topic"),
    ("chua chay rung", "/van-ban/2022/1562-ubnd-kt/", "subject of the công văn"),
    ("tết nguyên đán", "/van-ban/2022/1562-ubnd-kt/", "only subject naming Tết"),
    ("tap huan van thu", "/van-ban/2025/20-gm-stttt/", "the invitation to a training"),
    ("phong trao thi dua", "/van-ban/2023/08-kh-ubnd/", "the plan of the emulation movement"),
    ("quy che trang thong tin dien tu", "/van-ban/2025/40-qd-stttt/", "two decisions share it: the newer"),
    ("trang thong tin dien tu", "/van-ban/2025/40-qd-stttt/", "date breaks the tie"),
    ("tuyen truyen chuyen doi so", "/van-ban/2025/12-kh-stttt/", "plan 'Tuyên truyền … chuyển đổi số'"),
    # đ typed as d, and the look-alike Ð
    ("dat dai", "/van-ban/2025/245-stttt-vp/", "đất đai"),
    ("duong dien", "/van-ban/2025/245-stttt-vp/", "đường điện, in the body only"),
    ("\u00d0ất đai", "/van-ban/2025/245-stttt-vp/", "Ð (U+00D0) for Đ"),
    # Numbers in every spelling
    ("1562/UBND-KT", "/van-ban/2022/1562-ubnd-kt/", "as printed"),
    ("1562/ubnd-kt", "/van-ban/2022/1562-ubnd-kt/", "lower case"),
    ("so 1562/UBND-KT", "/van-ban/2022/1562-ubnd-kt/", "'so' prefix, no marks"),
    ("Số: 1562 / UBND - KT", "/van-ban/2022/1562-ubnd-kt/", "spaces, 'Số:'"),
    ("02/KH-UBND", "/van-ban/2023/02-kh-ubnd/", "leading zero"),
    ("2/kh-ubnd", "/van-ban/2023/02-kh-ubnd/", "no leading zero"),
    ("30/2020/nd-cp", "/van-ban/2020/30-2020-nd-cp/", "đ typed as d"),
    ("30/2020/N\u00d0-CP", "/van-ban/2020/30-2020-nd-cp/", "Ð (U+00D0)"),
    ("37/nq-hdnd", "/van-ban/khong-ro-nam/37-nq-hdnd/", "undated resolution"),
    ("15/qd-stttt", "/van-ban/2024/15-qd-stttt/", "đ as d"),
    ("245/STTTT-VP năm 2025", "/van-ban/2025/245-stttt-vp/", "number with its year"),
    # Quoted phrases
    ('"chống lãng phí"', "/van-ban/2023/08-kh-ubnd/", "phrase in the subject"),
    ('"giai the thon"', "/van-ban/khong-ro-nam/37-nq-hdnd/", "phrase without marks"),
    # No answer
    ("217/qd-ubnd", NONE, "no such number (issue 18)"),
    ("217", NONE, "a bare numeral no document has"),
    ("2170", NONE, "a bare numeral no document has"),
    ("4711/STTTT-VP", NONE, "no such number (issue 18)"),
    ("02/KH-UBND năm 2024", NONE, "the number exists, but in 2023"),
    ("xyzzy qwerty", NONE, "words of no document"),
]

# The numbers below were picked again on 2026-12-03 from the archive `generate.py` makes now: since
# 7728fe0 it keeps every date on or before today (a future date is an error of the rulebook),
# which moved documents between years and numbers.
SYNTHETIC: list[tuple[str, object, str]] = [
    ("20/CT-UBND", "/van-ban/2021/20-ct-ubnd/", "unique number"),
    ("02/ct-snn", "/van-ban/2023/02-ct-snn/", "lower case"),
    ("so 8/stc-khtc", "/van-ban/2020/8-stc-khtc/", "'so' prefix"),
    ("4/SGDDT-VP", "/van-ban/2019/4-sgddt-vp/", "Đ typed as D"),
    ("07/BC-UBND năm 2016", "/van-ban/2016/07-bc-ubnd/", "number with its year (it exists in 2024 too)"),
    ("9999/QĐ-UBND", NONE, "no such number"),
    ("777/STTTT-VP", NONE, "no such number"),
    ("thanh toan khong dung tien mat", ("subject", "thuc hien thanh toan khong dung tien mat"), "whole title, no marks"),
    ("đẩy mạnh chuyển đổi số trong cơ quan nhà nước", ("subject", "day manh chuyen doi so trong co quan nha nuoc"), "whole title"),
    ("tai san cong", ("subject_has", "tai san cong"), "two-word topic"),
    ("an toan thong tin", ("subject_has", "an toan thong tin"), "topic"),
    ("duong dien nong thon", ("subject_has", "duong dien nong thon"), "đ as d"),
    ("tim kiem cuu nan", ("subject_has", "tim kiem cuu nan"), "topic"),
    ('"khong dung tien mat"', ("subject_has", "khong dung tien mat"), "phrase"),
    ("bong da the gioi", NONE, "words of no document"),
]
