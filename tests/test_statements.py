"""Public statements: accessibility statement with the build's check date; which copy is authoritative."""

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import ROOT
from test_build import text_of

from vanban.model import Attachment
from vanban.project import load_archive
from vanban.statements import (CHECK_DATE_MARKER, OFFICIAL, UNOFFICIAL, WEB_TEXT_LEGAL_VALUE, build_date,
                               fill_check_date, legal_value)


def test_accessibility_statement_names_the_standard_the_checks_and_the_date(sample_site):
    html = sample_site.page("gioi-thieu/kha-nang-tiep-can/")
    text = text_of(html)
    assert "WCAG) 2.1, mức AA" in text
    assert "Kiểm tra tự động trong mỗi lần dựng trang" in text and "Duyệt bằng bàn phím" in text
    assert "Hạn chế đã biết" in text
    stamp = re.search(r'Lần kiểm tra tự động gần nhất: ngày <time datetime="([\d-]+)">(\d\d/\d\d/\d{4})</time>', html)
    assert stamp, "the build did not write the date"
    today = build_date()
    assert stamp.group(1) in {today.isoformat(), (today - timedelta(days=1)).isoformat()}
    assert CHECK_DATE_MARKER not in html


def test_check_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2026, 3, 1, 18, 30, tzinfo=timezone.utc).timestamp())))
    assert build_date().isoformat() == "2026-03-02"  # already 2 March in Vietnam (UTC+7)
    assert fill_check_date(f"<p>{CHECK_DATE_MARKER}</p>", build_date()) == \
        '<p><time datetime="2026-03-02">02/03/2026</time></p>'


def test_about_page_says_the_signed_copy_is_authoritative(sample_site):
    text = text_of(sample_site.page("gioi-thieu/ve-kho-van-ban/"))
    assert "Bản có giá trị pháp lý là văn bản đã ký ban hành" in text
    assert "tệp PDF bản ký số" in text and "chỉ có giá trị tham khảo" in text
    assert "/so/1562-ubnd-kt" in text
    nav = sample_site.page("")
    assert 'href="gioi-thieu/kha-nang-tiep-can/"' in nav and 'href="gioi-thieu/ve-kho-van-ban/"' in nav


def test_legal_value_of_the_sample_attachments():
    archive = load_archive(ROOT / "directives").archive
    d = next(d for d in archive.directives if d.url == "van-ban/2024/15-qd-stttt/")
    values = {a.filename: legal_value(a) for a in d.attachments}
    assert values == {"15-qd-stttt-ban-ky-so.pdf": OFFICIAL, "phu-luc-danh-muc.pdf": UNOFFICIAL}
    assert WEB_TEXT_LEGAL_VALUE == UNOFFICIAL


def test_legal_value_reads_title_and_file_name():
    def attachment(title, path):
        return Attachment(title=title, path=path, source=Path("/x") / path)
    assert legal_value(attachment("Bản ký số", "qd.pdf")) == OFFICIAL
    assert legal_value(attachment("Quyết định (bản gốc đã ký)", "qd.pdf")) == OFFICIAL
    assert legal_value(attachment("Quyết định", "qd_da_ky.pdf")) == OFFICIAL
    assert legal_value(attachment("Bản ký số", "qd.docx")) == UNOFFICIAL  # a signed copy is a PDF
    assert legal_value(attachment("Phụ lục", "phu-luc.pdf")) == UNOFFICIAL
    assert legal_value(Attachment(title="Kế hoạch 02/KH-UBND")) == UNOFFICIAL  # a link to another directive
