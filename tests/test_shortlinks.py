"""Short links /so/{number-slug}: which directives a slug names, and the pages for hosts without nginx."""

from conftest import fixture_text, make_archive

from vanban.project import load_archive
from vanban.shortlinks import redirect_stub, short_links

PLAN = fixture_text("ke-hoach-hop-le.md")


def archive_of(tmp_path, files):
    loaded = load_archive(make_archive(tmp_path / "d", files))
    assert not loaded.errors, [p.format() for p in loaded.errors]
    return loaded.archive


def links(archive):
    return {link.slug: [d.url for d in link.directives] for link in short_links(archive)}


def test_a_number_links_to_its_directive_with_and_without_leading_zero(tmp_path):
    archive = archive_of(tmp_path, {"a.md": PLAN, "b.md": fixture_text("cong-van-hop-le.md")})
    assert links(archive) == {
        "02-kh-ubnd": ["van-ban/2023/02-kh-ubnd/"],
        "2-kh-ubnd": ["van-ban/2023/02-kh-ubnd/"],
        "1562-ubnd-kt": ["van-ban/2022/1562-ubnd-kt/"],
    }


def test_the_same_number_in_two_years_names_both_newest_first(tmp_path):
    later = PLAN.replace("date: 2023-01-04", "date: 2026-01-09")
    archive = archive_of(tmp_path, {"2023.md": PLAN, "2026.md": later})
    by_slug = {link.slug: link for link in short_links(archive)}
    link = by_slug["02-kh-ubnd"]
    assert [d.url for d in link.directives] == ["van-ban/2026/02-kh-ubnd/", "van-ban/2023/02-kh-ubnd/"]
    assert link.target is None and link.numbers == ["02/KH-UBND"]


def test_a_custom_slug_changes_the_target_not_the_short_link(tmp_path):
    archive = archive_of(tmp_path, {"a.md": PLAN.replace("type: ke-hoach", "type: ke-hoach\nslug: cchc-2023")})
    assert links(archive)["02-kh-ubnd"] == ["van-ban/2023/cchc-2023/"]


def test_unnumbered_copies_have_no_short_link(tmp_path):
    archive = archive_of(tmp_path, {"a.md": PLAN.replace("number: 02/KH-UBND", "number: /KH-UBND\nslug: kh-cchc")})
    assert links(archive) == {}


def test_redirect_page_keeps_the_anchor_and_escapes_the_title(tmp_path):
    hostile = PLAN.replace("subject: Cải cách hành chính tỉnh Lạng Sơn năm 2023",
                           "subject: \"<script>alert(1)</script> & cải cách\"")
    archive = archive_of(tmp_path, {"a.md": hostile})
    link = next(link for link in short_links(archive) if link.slug == "02-kh-ubnd")
    html = redirect_stub(link, "https://vanban.example.gov.vn/")
    assert '<meta http-equiv="refresh" content="0; url=../../van-ban/2023/02-kh-ubnd/">' in html
    assert '<link rel="canonical" href="https://vanban.example.gov.vn/van-ban/2023/02-kh-ubnd/">' in html
    assert "location.hash" in html and '<html lang="vi">' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; cải cách" in html


def test_a_build_moves_the_previous_sites_equal_stubs_back_and_writes_the_others(tmp_path):
    # A full build moves the old site aside (vanban.siteclean); a stub equal to the old one comes
    # back as the same folder, a stub that changed or a folder holding more is written anew.
    import os

    from vanban.siteclean import delete_aside, move_aside, moved_site
    from vanban.webserver import write_short_link_stubs

    archive = archive_of(tmp_path, {"a.md": PLAN, "b.md": fixture_text("cong-van-hop-le.md")})
    site = tmp_path / "site"
    site.mkdir()
    assert write_short_link_stubs(site, archive, "https://a.example/") == []
    stub = site / "so/02-kh-ubnd/index.html"
    first = {p.relative_to(site): (p.stat().st_ino, p.read_bytes()) for p in site.rglob("index.html")}
    (site / "so/02-kh-ubnd/index.html.gz").write_bytes(b"old copy")
    (site / "so/2-kh-ubnd/extra.txt").write_text("x")
    move_aside(site)
    old = moved_site(site)
    assert old is not None and not stub.exists()
    assert write_short_link_stubs(site, archive, "https://a.example/", None, old) == []
    second = {p.relative_to(site): (p.stat().st_ino, p.read_bytes()) for p in site.rglob("index.html")}
    assert {k: v[1] for k, v in second.items()} == {k: v[1] for k, v in first.items()}
    assert second[stub.relative_to(site)][0] == first[stub.relative_to(site)][0]  # moved back
    assert not (site / "so/02-kh-ubnd/index.html.gz").exists()  # its copy is made again from its bytes
    assert not (site / "so/2-kh-ubnd/extra.txt").exists()  # not moved back: written anew
    assert (old / "so/2-kh-ubnd/extra.txt").exists()
    # Another address changes every stub: none is taken from the old site.
    move_aside(site)
    write_short_link_stubs(site, archive, "https://b.example/", None, moved_site(site))
    third = {p.relative_to(site): (p.stat().st_ino, p.read_bytes()) for p in site.rglob("index.html")}
    assert set(third) == set(first) and all(b"https://b.example/" in v[1] for v in third.values())
    assert os.listdir(moved_site(site) / "so") != []
    delete_aside(site)
    assert moved_site(site) is None
