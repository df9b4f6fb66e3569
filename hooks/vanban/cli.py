"""`vanban`: the staff command line (check the archive; more sub-commands join here)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .project import directives_dir_for, load_archive

__all__ = ["main"]


def _find_root(start: Path) -> Path:
    # The project root is the nearest folder with mkdocs.yml; the current folder otherwise.
    for folder in [start, *start.parents]:
        if (folder / "mkdocs.yml").exists():
            return folder
    return start


def cmd_check(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    directives = Path(args.directives).resolve() if args.directives else directives_dir_for(root)
    if not directives.is_dir():
        print(f"Không tìm thấy thư mục văn bản: {directives}", file=sys.stderr)
        return 2
    loaded = load_archive(directives, root)
    problems = loaded.problems
    if args.strict:
        problems = [p if p.is_error else type(p)(p.path, p.message, p.field, p.line, "error") for p in problems]
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=1))
    else:
        for p in problems:
            print(p.format())
        errors = sum(p.is_error for p in problems)
        print(f"Đã kiểm tra {len(loaded.archive)} văn bản: {errors} lỗi, {len(problems) - errors} cảnh báo.",
              file=sys.stderr)
    return 1 if any(p.is_error for p in problems) else 0


def cmd_nginx(args: argparse.Namespace) -> int:
    from .webserver import render_server_config, write_standalone

    site = Path(args.site)
    if not (site / "_nginx" / "redirects.conf").exists():
        # The config may be written on another machine than the server: warn, do not refuse.
        print(f"Cảnh báo: chưa thấy {site / '_nginx' / 'redirects.conf'}; nginx cần thư mục trang đã dựng "
              "(make build) ở đúng đường dẫn này.", file=sys.stderr)
    try:
        if args.standalone:
            conf = write_standalone(Path(args.standalone), site, args.listen, args.server_name)
            print(f"nginx -p {conf.parent} -c {conf} -e {conf.parent / 'error.log'}")
        else:
            print(render_server_config(site, args.listen, args.server_name), end="")
    except ValueError as error:
        print(f"Không tạo được cấu hình nginx: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    """Compare the archive's public URLs with the committed manifest (or rewrite it with --update)."""
    from .manifest import MANIFEST_NAME, compare, docs_dir_for, format_manifest, public_urls
    from .site import SitePlan

    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    directives = Path(args.directives).resolve() if args.directives else directives_dir_for(root)
    manifest = Path(args.manifest) if args.manifest else root / MANIFEST_NAME
    if not directives.is_dir():
        print(f"Không tìm thấy thư mục văn bản: {directives}", file=sys.stderr)
        return 2
    loaded = load_archive(directives, root)
    current = public_urls(SitePlan(loaded.archive), docs_dir_for(root), _shown(docs_dir_for(root), root))
    if args.update:
        manifest.write_text(format_manifest(current.values()), encoding="utf-8")
        print(f"Đã ghi {len(current)} đường dẫn vào {_shown(manifest, root)}.", file=sys.stderr)
        return 0
    if not manifest.exists():
        print(f"Chưa có sổ đường dẫn {_shown(manifest, root)}: chạy `vanban links --update` để tạo.", file=sys.stderr)
        return 2
    report = compare(manifest.read_text(encoding="utf-8"), current, _shown(manifest, root),
                     {d.rel_path: d for d in loaded.archive.directives})
    for problem in report.missing:
        print(problem.format())
    if report.added:
        print(f"{len(report.added)} đường dẫn mới chưa có trong sổ (ví dụ {report.added[0]}): "
              "chạy `vanban links --update` rồi commit tệp sổ.", file=sys.stderr)
    print(f"Đã so {len(current)} đường dẫn với sổ: {len(report.missing)} đường dẫn bị mất.", file=sys.stderr)
    return 0 if report.ok else 1


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vanban", description="Công cụ quản lý kho văn bản chỉ đạo điều hành.")
    parser.add_argument("--root", help="thư mục dự án (nơi có mkdocs.yml); mặc định: tìm từ thư mục hiện tại")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")
    sub.required = True
    check = sub.add_parser("check", help="kiểm tra toàn bộ văn bản, không cần dựng trang",
                           description="Kiểm tra phần thông tin của mọi văn bản; mỗi dòng một lỗi.")
    check.add_argument("--directives", help="thư mục văn bản (mặc định: directives/ của dự án)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="dạng kết quả (json cho CI)")
    check.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    check.set_defaults(func=cmd_check)
    nginx = sub.add_parser("nginx", help="in cấu hình nginx cho trang đã dựng (deploy/nginx.conf đã điền)",
                           description="In cấu hình nginx (đặt vào /etc/nginx/conf.d/) cho thư mục trang đã dựng.")
    nginx.add_argument("--site", default="site", help="thư mục trang đã dựng trên máy chủ (mặc định: site)")
    nginx.add_argument("--listen", default="80", help="địa chỉ nghe của nginx (mặc định: 80)")
    nginx.add_argument("--server-name", default="_", help="tên miền của trang (mặc định: mọi tên)")
    nginx.add_argument("--standalone", metavar="THƯ_MỤC",
                       help="ghi cấu hình nginx chạy độc lập (không cần root) vào THƯ_MỤC và in lệnh chạy")
    nginx.set_defaults(func=cmd_nginx)
    links = sub.add_parser("links", help="kiểm tra không đường dẫn đã công bố nào bị mất (published-urls.txt)",
                           description="So các đường dẫn công khai của kho với sổ published-urls.txt; "
                                       "báo lỗi, nêu tên văn bản, khi một đường dẫn đã công bố không còn.")
    links.add_argument("--directives", help="thư mục văn bản (mặc định: directives/ của dự án)")
    links.add_argument("--manifest", help="tệp sổ đường dẫn (mặc định: published-urls.txt của dự án)")
    links.add_argument("--update", action="store_true", help="ghi lại sổ theo kho hiện tại (chấp nhận các thay đổi)")
    links.set_defaults(func=cmd_links)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
