"""Text out of the files staff receive: plain text (VNPT-iOffice exports), Word .docx, PDF, scanned images.

Each reader returns the document's lines in reading order, NFC-normalised. Word tables (the
Decree-30 header and the signature block are usually two-column tables) are read row by row,
cell by cell, so the left column's lines come before the right column's. A PDF is read word by
word with positions (pdfplumber): where a row holds two columns side by side — issuer and number
left, motto and date right; "Nơi nhận" left, the signature right — the rows of that block are
split at the gap between the columns and the left column is read first. A page with no text layer
(a scan) and an image file are read by Tesseract's Vietnamese model, from its word boxes, the same
way; such text is marked as OCR so the import report asks for every field to be checked.
Files in the legacy Vietnamese encodings (TCVN3/ABC, VNI) are detected and refused with a message,
never turned into mojibake: converting them needs the fonts' tables, and Word's "Save as Unicode"
does it right.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .shapes import UNSURE, Segment, columns_from_segments
from .text import normalize

__all__ = ["ExtractError", "Extracted", "extract", "extract_text", "SUPPORTED_SUFFIXES", "IMAGE_SUFFIXES", "UNSURE"]

_UNSURE_BELOW = 80.0  # Tesseract word confidence under which a word is marked UNSURE

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", *IMAGE_SUFFIXES)
# A gap this wide (PDF points; pixels/4.17 at 300 dpi) between two words on a row separates two columns.
_COLUMN_GAP = 18.0


@dataclass
class Extracted:
    text: str
    ocr: bool = False
    """Some or all of the text was recognised from an image (Tesseract): check every field."""


class ExtractError(Exception):
    """The file cannot be read as a document; the message is for staff (Vietnamese)."""


def extract_text(path: Path) -> str:
    """The document's text, lines separated by "\\n", blank lines between paragraphs where known."""
    return extract(path).text


def extract(path: Path) -> Extracted:
    """The document's text and whether OCR produced it."""
    suffix = path.suffix.lower()
    ocr = False
    if suffix in (".txt", ".md", ""):
        text = _read_plain(path)
    elif suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        text, ocr = _read_pdf(path)
    elif suffix in IMAGE_SUFFIXES:
        text, ocr = _ocr_image(path), True
    elif suffix == ".doc":
        raise ExtractError("Tệp .doc (Word 97–2003) chưa đọc được: mở bằng Word hoặc LibreOffice rồi "
                           "lưu lại dạng .docx.")
    else:
        raise ExtractError(f"Không đọc được tệp '{suffix}': chỉ nhận {', '.join(SUPPORTED_SUFFIXES)}.")
    text = normalize(text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\t", " "))
    _refuse_legacy_encoding(text)
    if not text.strip():
        hint = " (ảnh quét không nhận dạng được chữ: quét lại rõ hơn, 300 dpi)" if ocr else ""
        raise ExtractError(f"Tệp không có chữ{hint}.")
    return Extracted(text, ocr)


def _read_plain(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ExtractError("Tệp không phải văn bản thuần (có byte NUL): có thể là tệp .doc hoặc tệp nhị phân.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractError("Tệp không được mã hóa UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258): "
                           "mở tệp và lưu lại với mã hóa UTF-8.") from None


def _read_docx(path: Path) -> str:
    import docx  # python-docx: imported here so `vanban check` does not pay for it
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ExtractError(f"Tệp .docx hỏng hoặc không phải tệp Word: {exc}.") from None
    lines: list[str] = []

    def paragraph(p: Paragraph) -> None:
        # Soft line breaks inside a paragraph separate lines of the same block (issuer, signature).
        lines.append(p.text.replace("\v", "\n"))
        lines.append("")

    def table(t: Table) -> None:
        for row in t.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # merged cells repeat the same element
                    continue
                seen.add(id(cell._tc))
                for p in cell.paragraphs:
                    lines.append(p.text)
                for inner in cell.tables:
                    table(inner)
                lines.append("")

    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph(Paragraph(block, document))
        elif tag == "tbl":
            table(Table(block, document))
    return "\n".join(lines)


def _read_pdf(path: Path) -> tuple[str, bool]:
    import pdfplumber  # imported here so `vanban check` does not pay for it
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    pages: list[str] = []
    ocr = False
    try:
        with pdfplumber.open(str(path)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False,
                                           extra_attrs=["fontname"])
                if words:
                    pages.append("\n".join(_layout_rows(_rows_of_words(words))))
                elif page.images:
                    pages.append(_ocr_pdf_page(path, number))
                    ocr = True
    except (PdfminerException, PDFSyntaxError) as exc:
        message = str(exc)
        if "password" in message.lower() or "encrypt" in message.lower():
            raise ExtractError("PDF được đặt mật khẩu: cần bản không khóa.") from None
        raise ExtractError(f"Tệp PDF hỏng: {message or type(exc).__name__}.") from None
    return "\n\n".join(pages), ocr


def _rows_of_words(words: list[dict]) -> list[list[Segment]]:
    """Words (x0, x1, top, text) → rows top to bottom, each row's words joined into runs that no
    column gap separates."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w.get("line", (0,)), round(w["top"]), w["x0"])):
        word["bold"] = "bold" in str(word.get("fontname", "")).lower()
        # OCR words carry Tesseract's own line id (tops vary with stacked tone marks); PDF words share a top.
        same = (rows[-1][0].get("line") == word["line"]) if rows and "line" in word else \
            (rows and abs(rows[-1][0]["top"] - word["top"]) <= 3)
        if same:
            rows[-1].append(word)
        else:
            rows.append([word])
    rows.sort(key=lambda row: min(w["top"] for w in row))
    result = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        segments: list[Segment] = []
        for word in row:
            if segments and word["x0"] - segments[-1].x1 < _COLUMN_GAP:
                last = segments[-1]
                segments[-1] = Segment(last.x0, word["x1"], f"{last.text} {word['text']}", last.bold and word["bold"])
            else:
                segments.append(Segment(word["x0"], word["x1"], word["text"], word["bold"]))
        result.append(segments)
    return result


def _layout_rows(rows: list[list[Segment]]) -> list[str]:
    """Rows → lines: a block of rows with two columns side by side is read column by column."""
    lines: list[str] = []
    block: list[list[Segment]] = []
    if rows:
        left_edge = min(s.x0 for row in rows for s in row)
        right_edge = max(s.x1 for row in rows for s in row)
        middle = (left_edge + right_edge) / 2
    was_centred = (False, False)
    for row in rows:
        two_columns = len(row) >= 2
        one_side = len(row) == 1 and (row[0].x1 < middle or row[0].x0 > middle)
        if two_columns or (block and one_side):
            block.append(row)
            continue
        if block:
            lines.extend(columns_from_segments(block))
            block = []
        # Decree 30 centres the type's title and the subject; the body starts flush left (or indented):
        # a blank line where the alignment changes keeps the subject apart from the body.
        centred = (row[0].x0 > left_edge + 20 and row[-1].x1 < right_edge - 20
                   and abs((row[0].x0 + row[-1].x1) / 2 - middle) < 15, all(s.bold for s in row))
        if lines and centred != was_centred:
            lines.append("")
        was_centred = centred
        lines.append(" ".join(s.text for s in row))
    if block:
        lines.extend(columns_from_segments(block))
    return lines


def _tesseract() -> str:
    found = shutil.which("tesseract")
    if not found:
        raise ExtractError("Tệp là ảnh quét nhưng máy chưa cài Tesseract: cài gói Debian tesseract-ocr và "
                           "tesseract-ocr-vie (make system-deps) rồi nhập lại.")
    return found


def _ocr_pdf_page(path: Path, number: int) -> str:
    if not shutil.which("pdftoppm"):
        raise ExtractError("Trang PDF là ảnh quét nhưng máy chưa cài poppler-utils (pdftoppm): make system-deps.")
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-r", "300", "-f", str(number), "-l", str(number), "-png", "-singlefile",
                        str(path), str(stem)], check=True, capture_output=True, timeout=120)
        return _ocr_image(stem.with_suffix(".png"))


def _ocr_image(path: Path) -> str:
    """Tesseract (Vietnamese model) word boxes → lines, columns split as for a PDF."""
    tesseract = _tesseract()
    proc = subprocess.run([tesseract, str(path), "stdout", "-l", "vie", "--psm", "4", "tsv"],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()[-1:] or [""]
        if "vie" in proc.stderr and ("load" in proc.stderr.lower() or "language" in proc.stderr.lower()):
            raise ExtractError("Thiếu dữ liệu tiếng Việt của Tesseract: cài gói tesseract-ocr-vie (make system-deps).")
        raise ExtractError(f"Không nhận dạng được ảnh: {detail[0]}")
    words = []
    for line in proc.stdout.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (float(c) for c in cols[6:10])
        text = cols[11] + (UNSURE if float(cols[10]) < _UNSURE_BELOW else "")
        # Pixels at 300 dpi → points, so the column gap means the same as in a PDF.
        scale = 72 / 300
        words.append({"x0": left * scale, "x1": (left + width) * scale, "top": top * scale, "text": text,
                      "line": (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))})
    return "\n".join(_layout_rows(_rows_of_words(words)))


# Letters that only the legacy 8-bit Vietnamese fonts put in a Unicode text: TCVN3 (.VnTime) maps
# "ư"→"−", "ơ"→"¬", "đ"→"®", tones to "¸µ¶·¹"; VNI writes tones as "ù ø û õ ï" after the vowel.
_LEGACY_TCVN3 = re.compile("[¸µ¶·¹¨©ª«¬®−]")
_VNI = re.compile(r"[aeiouy][øùûõïöô]", re.IGNORECASE)
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")


def _refuse_legacy_encoding(text: str) -> None:
    letters = sum(ch.isalpha() for ch in text)
    if letters < 40:
        return
    vietnamese = len(_VIETNAMESE.findall(text))
    legacy = len(_LEGACY_TCVN3.findall(text)) + len(_VNI.findall(text))
    if legacy > 20 and legacy > 5 * vietnamese:
        raise ExtractError("Văn bản có vẻ dùng bảng mã cũ TCVN3 (ABC) hoặc VNI, không phải Unicode: "
                           "mở bằng Word/Unikey, chuyển mã sang Unicode rồi lưu lại trước khi nhập.")
