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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
