"""Text out of the files staff receive: plain text (VNPT-iOffice exports), Word .docx, text-layer PDF.

Each reader returns the document's lines in reading order, NFC-normalised. Word tables (the
Decree-30 header and the signature block are usually two-column tables) are read row by row,
cell by cell, so the left column's lines come before the right column's. Files in the legacy
Vietnamese encodings (TCVN3/ABC, VNI) are detected and refused with a message, never turned into
mojibake: converting them needs the fonts' tables, and Word's "Save as Unicode" does it right.
"""

from __future__ import annotations

import re
from pathlib import Path

from .text import normalize

__all__ = ["ExtractError", "extract_text", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


class ExtractError(Exception):
    """The file cannot be read as a document; the message is for staff (Vietnamese)."""


def extract_text(path: Path) -> str:
    """The document's text, lines separated by "\\n", blank lines between paragraphs where known."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ""):
        text = _read_plain(path)
    elif suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        text = _read_pdf(path)
    elif suffix == ".doc":
        raise ExtractError("Tệp .doc (Word 97–2003) chưa đọc được: mở bằng Word hoặc LibreOffice rồi "
                           "lưu lại dạng .docx.")
    else:
        raise ExtractError(f"Không đọc được tệp '{suffix}': chỉ nhận {', '.join(SUPPORTED_SUFFIXES)}.")
    text = normalize(text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\t", " "))
    _refuse_legacy_encoding(text)
    if not text.strip():
        hint = " (PDF chỉ có ảnh quét, không có lớp chữ: cần nhận dạng chữ OCR trước)" if suffix == ".pdf" else ""
        raise ExtractError(f"Tệp không có chữ{hint}.")
    return text


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


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader  # imported here so `vanban check` does not pay for it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise ExtractError("PDF được đặt mật khẩu: cần bản không khóa.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise ExtractError(f"Tệp PDF hỏng: {exc}.") from None
    return "\n".join(pages)


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
