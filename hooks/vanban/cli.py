"""`vanban`: the staff command line — one `cmd_*` function and one `_add_*_parser` per sub-command.

import (documents → directives), new (an empty directive), check (the archive or some files), nginx, links.
Progress bars go to stderr and only to a terminal, so logs and CI output stay one line per problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .bodies import check_bodies
from .cache import RenderCache, cache_dir_for
from .loader import iter_directive_files
from .project import directives_dir_for, load_archive

__all__ = ["main"]

# argparse's own words (usage, options, its error messages) in Vietnamese, so every `--help` and
# every usage error staff see is in one language. Messages not listed stay as argparse writes them.
_ARGPARSE_VI = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "hiện trợ giúp này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "not allowed with argument %s": "không dùng cùng với %s",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn mơ hồ: %(option)s có thể là %(matches)s",
}
argparse._ = lambda message: _ARGPARSE_VI.get(message, message)  # type: ignore[attr-defined]


def _find_root(start: Path) -> Path:
    # The project root is the nearest folder with mkdocs.yml; the current folder otherwise.
    for folder in [start, *start.parents]:
        if (folder / "mkdocs.yml").exists():
            return folder
    return start


def cmd_check(args: argparse.Namespace) -> int:
    """The rulebook (`rules.py`) over the archive, or over the named files with the archive around
    them: the same problems, severities and exit status as `mkdocs build` (with `--strict` alike)."""
    from .project import load_archive_kept
    from .rules import as_json, exit_status, outcome, summary_line

    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    directives = Path(args.directives).resolve() if args.directives else directives_dir_for(root)
    if not directives.is_dir():
        print(f"Không tìm thấy thư mục văn bản: {directives}", file=sys.stderr)
        return 2
    named = _named_files(args.files, directives, root)
    if named is None:
        return 2
    total = len(iter_directive_files(directives)) if sys.stderr.isatty() else 0  # only a terminal shows a bar
    with _progress_bar(total, "Kiểm tra", minimum=200) as bar:
        loaded = load_archive_kept(directives, root, progress=bar.update_to)
    # The bodies as the build renders them: its time budget, and links shown as text (`bodies`).
    shown = named or {d.rel_path for d in loaded.archive.directives}
    bodies = check_bodies([d for d in loaded.archive.directives if d.rel_path in shown], RenderCache(cache_dir_for(root)))
    problems = outcome(sorted(loaded.problems + bodies, key=lambda p: (p.path, p.line or 0)), args.strict)
    checked = len(loaded.archive) + len({p.path for p in loaded.problems if p.is_error})
    if named:
        # The named files, and what the registries they depend on say.
        problems = [p for p in problems if p.path in named or p.code.startswith("VB6")]
        checked = len(named)
    if args.format == "json":
        print(json.dumps(as_json(problems, checked, args.strict), ensure_ascii=False, indent=1))
    else:
        for p in problems:
            print(p.format())
        print(summary_line(problems, checked), file=sys.stderr)
    return exit_status(problems)


def _named_files(names: list[str], directives: Path, root: Path) -> set[str] | None:
    """The files `check` was given, as problems name them; None (after saying why) when one is not
    a directive of this archive."""
    shown = set()
    for name in names:
        path = Path(name).resolve()
        if not path.is_file():
            print(f"Không tìm thấy tệp {name}.", file=sys.stderr)
            return None
        if not path.is_relative_to(directives) or path.suffix != ".md":
            print(f"{name} không phải tệp văn bản trong {_shown(directives, root)}/ (tệp .md).", file=sys.stderr)
            return None
        shown.add(_shown(path, root))
    return shown


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
    from .manifest import MANIFEST_NAME, compare, deleted_directives, docs_dir_for, format_manifest, public_urls
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
    committed = manifest.read_text(encoding="utf-8")
    report = compare(committed, current, _shown(manifest, root), {d.rel_path: d for d in loaded.archive.directives},
                     deleted_directives(committed, current, root, directives))
    for problem in report.missing:
        print(problem.format())
    if report.added:
        print(f"{len(report.added)} đường dẫn mới chưa có trong sổ (ví dụ {report.added[0]}): "
              "chạy `vanban links --update` rồi commit tệp sổ.", file=sys.stderr)
    print(f"Đã so {len(current)} đường dẫn với sổ: {len(report.missing)} đường dẫn bị mất.", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_import(args: argparse.Namespace) -> int:
    """Documents (text, .docx, PDF, scans) → directive files; prints, field by field, what was read."""
    from .extract import SUPPORTED_SUFFIXES, ExtractError, extract
    from .importer import (archive_index, attach_original, duplicate_key, field_report, find_duplicate,
                           parse_document, render_directive, report_lines)
    from .registry import load_registries

    as_json = args.format == "json"
    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    directives = directives_dir_for(root)
    sources = _expand_sources(args.files, SUPPORTED_SUFFIXES)
    if not sources:
        print(f"Không có tệp nào để nhập (nhận {', '.join(SUPPORTED_SUFFIXES)}).", file=sys.stderr)
        return 2
    if args.output and len(sources) > 1:
        print(f"-o chỉ dùng với một tệp; có {len(sources)} tệp: dùng -d THƯ_MỤC.", file=sys.stderr)
        return 2
    registries, problems = load_registries(directives, root)
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    existing = archive_index(directives) if directives.is_dir() else {}
    written: set[Path] = set()
    results: list[dict] = []
    failed = needs_review = 0
    with _progress_bar(len(sources), "Nhập", minimum=2) as bar:
        for i, source in enumerate(sources, 1):
            bar.update_to(i - 1)
            result: dict = {"source": str(source), "status": "error"}
            results.append(result)
            try:
                got = extract(source)
                imported = parse_document(got.text, registries, keep_blank=args.keep_blank, source_name=source.stem,
                                          ocr=got.ocr)
            except (ExtractError, OSError) as error:
                bar.write(f"{source}: lỗi: {error}", file=sys.stderr)
                result["error"] = str(error)
                failed += 1
                continue
            if args.output:
                target = Path(args.output)
            else:
                folder = Path(args.dir) if args.dir else directives / (str(imported.year) if imported.year else "chua-ro-nam")
                target = folder / f"{imported.file_stem}.md"
            twin = find_duplicate(imported, existing)
            if twin is not None and not args.force:
                key = duplicate_key(imported.front)
                issuer = key[2].split(" — ")[0].removeprefix("TODO: ") if key else ""
                why = f"cùng số {imported.front['number']}, năm {key[1]}, cơ quan {issuer}" if key else "cùng nội dung"
                bar.write(f"{source}: lỗi: văn bản đã có trong kho: {_shown(twin, Path.cwd())} ({why}); không nhập "
                          "lại (dùng --force nếu thật sự cần thêm một bản).", file=sys.stderr)
                result.update(status="duplicate", duplicate_of=str(twin))
                failed += 1
                continue
            if target.resolve() in written or (target.exists() and not args.force):
                bar.write(f"{source}: lỗi: đã có tệp {_shown(target, Path.cwd())}; không ghi đè "
                          "(dùng --force để ghi đè, hoặc -o để chọn tên khác).", file=sys.stderr)
                failed += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            original = None
            if source.suffix.lower() in (".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff") and not args.no_original:
                original = attach_original(imported, source, target)
            target.write_text(render_directive(imported, source.name), encoding="utf-8")
            written.add(target.resolve())
            key = duplicate_key(imported.front)
            if key is not None:
                existing.setdefault(key, target)
            todos = imported.todos
            needs_review += bool(todos)
            result.update(status="written", target=str(target), ocr=imported.ocr, fields=field_report(imported),
                          todo=todos, review=imported.review, registry_entry=imported.registry_entry or None,
                          dropped=imported.dropped, original=original)
            if not as_json:
                bar.write("\n".join([f"Đã ghi {_shown(target, Path.cwd())} (từ {source.name})", *report_lines(imported)]))
        bar.update_to(len(sources))
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"Đã nhập {len(written)}/{len(sources)} tệp; {needs_review} tệp còn trường TODO. "
          "Tiếp theo: chạy `vanban check`, sửa từng dòng lỗi, rồi xem trước bằng `make serve`.", file=sys.stderr)
    return 1 if failed else 0


def _expand_sources(names: list[str], suffixes: tuple[str, ...]) -> list[Path]:
    # A folder stands for the documents in it (not hidden ones, not Markdown: that is already a directive).
    result: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            result += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes and p.suffix.lower() != ".md"
                             and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            result.append(path)
    return result


def cmd_new(args: argparse.Namespace) -> int:
    """An empty directive from the registries, at the next file name; `check` then lists the TODOs."""
    from datetime import date

    from .scaffold import find_entry, free_path, next_numeral, scaffold

    root = Path(args.root).resolve() if args.root else _find_root(Path.cwd())
    directives = directives_dir_for(root)
    loaded = load_archive(directives, root)
    registries = loaded.archive.registries
    interactive = sys.stdin.isatty() and not args.no_input
    chosen = {}
    for key, registry, label in (("type", registries.types, "Loại văn bản"), ("issuer", registries.issuers, "Cơ quan ban hành")):
        wanted = getattr(args, key)
        entry = find_entry(registry, wanted) if wanted else None
        if entry is None and interactive:
            entry = _ask(label, list(registry))
        if entry is None:
            shown = f"'{wanted}' không có trong danh mục" if wanted else "thiếu"
            print(f"--{key}: {shown}; dùng một trong: {', '.join(registry.keys())}.", file=sys.stderr)
            return 2
        chosen[key] = entry
    year = args.year or date.today().year
    numeral = next_numeral(loaded.archive.directives, chosen["type"], chosen["issuer"], year)
    made = scaffold(chosen["type"], chosen["issuer"], year, numeral)
    target = Path(args.output) if args.output else free_path(directives / str(year), made.file_stem)
    if target.exists():
        print(f"Đã có tệp {_shown(target, Path.cwd())}; không ghi đè.", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(made.text, encoding="utf-8")
    print(f"Đã tạo {_shown(target, Path.cwd())} (số dự kiến {made.suggested_number}).")
    print("  Điền các giá trị TODO theo bản gốc, rồi chạy `vanban check`.")
    return 0


def _ask(label: str, entries: list) -> object | None:
    for i, entry in enumerate(entries, 1):
        print(f"  {i:2d}. {entry.name} ({entry.key})", file=sys.stderr)
    while True:
        try:
            answer = input(f"{label} (số thứ tự hoặc khóa): ").strip()
        except EOFError:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(entries):
            return entries[int(answer) - 1]
        match = [e for e in entries if e.key == answer]
        if match:
            return match[0]
        print("Không có lựa chọn này, thử lại.", file=sys.stderr)


class _NoBar:
    def update_to(self, n: int) -> None:
        pass

    def write(self, text: str, file=None) -> None:
        print(text, file=file or sys.stdout)

    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _Bar(_NoBar):
    # tqdm draws the bar (width, rate, time left) and keeps it below the lines we print.
    def __init__(self, total: int, label: str) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm(total=total, desc=label, unit=" tệp", file=sys.stderr, leave=False, mininterval=0.2)

    def update_to(self, n: int) -> None:
        self._tqdm.update(n - self._tqdm.n)

    def write(self, text: str, file=None) -> None:
        self._tqdm.write(text, file=file or sys.stdout)

    def __exit__(self, *exc: object) -> None:
        self._tqdm.close()


def _progress_bar(total: int, label: str, minimum: int) -> _NoBar:
    """A bar on stderr for long runs, only when stderr is a terminal (never in logs or CI)."""
    if total < minimum or not sys.stderr.isatty():
        return _NoBar()
    return _Bar(total, label)


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
    check = sub.add_parser("check", help="kiểm tra văn bản (toàn bộ kho, hoặc các tệp được nêu), không cần dựng trang",
                           description="Kiểm tra phần thông tin của văn bản theo đúng các quy tắc khi dựng trang; "
                                       "mỗi dòng một lỗi: tệp, dòng, mã quy tắc, trường, điều sai và cách sửa.",
                           epilog="Ví dụ: vanban check; vanban check directives/2024/05-kh-stttt.md")
    check.add_argument("files", nargs="*", metavar="TỆP", help="chỉ kiểm tra các tệp này (các tệp khác vẫn được "
                                                              "dùng để so trùng số, quan hệ)")
    check.add_argument("--directives", help="thư mục văn bản (mặc định: directives/ của dự án)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="dạng kết quả (json cho CI)")
    check.add_argument("--strict", action="store_true",
                       help="như khi dựng trang chính thức (make build): coi cảnh báo là lỗi, trừ dẫn chiếu và quan hệ "
                            "tới văn bản chưa có trong kho")
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
    _add_import_parser(sub)
    _add_new_parser(sub)
    _vietnamese_metavars(parser)
    return parser


_METAVARS = {"root": "THƯ_MỤC", "directives": "THƯ_MỤC", "manifest": "TỆP", "site": "THƯ_MỤC",
             "listen": "ĐỊA_CHỈ", "server_name": "TÊN_MIỀN", "type": "LOẠI", "issuer": "CƠ_QUAN", "year": "NĂM"}


def _vietnamese_metavars(parser: argparse.ArgumentParser) -> None:
    # argparse shows an option's value as its upper-cased English name (DIRECTIVES); name it in Vietnamese.
    for action in parser._actions:
        if action.option_strings and action.metavar is None and action.dest in _METAVARS:
            action.metavar = _METAVARS[action.dest]
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _vietnamese_metavars(child)


def _add_import_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="nhập văn bản (.txt, .docx, .pdf, ảnh quét) thành tệp văn bản của kho",
        description="Đọc văn bản trình bày theo Nghị định 30/2020/NĐ-CP (tên cơ quan, Số, ngày tháng, V/v hoặc "
                    "tên loại và trích yếu, Kính gửi, nội dung, Nơi nhận, chữ ký) và ghi tệp Markdown vào "
                    "directives/<năm>/. Trường nào không đọc chắc chắn (số, ngày, cơ quan chưa có trong danh mục, "
                    "chữ OCR chưa chắc) được ghi là TODO để `vanban check` báo; không bao giờ tự bịa. PDF/Word/ảnh "
                    "nhận được được đính kèm làm bản gốc (kèm mã SHA-256). Không ghi đè tệp đã có và không nhập "
                    "lại văn bản đã có trong kho nếu không có --force.",
        epilog="Ví dụ: vanban import cong-van.docx; vanban import thu-muc-van-ban/ -d directives/2024")
    p.add_argument("files", nargs="+", metavar="TỆP", help="tệp văn bản hoặc thư mục chứa văn bản")
    where = p.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="TỆP.md", help="ghi vào tệp này (chỉ khi nhập một tệp)")
    where.add_argument("-d", "--dir", metavar="THƯ_MỤC", help="ghi vào thư mục này (mặc định: directives/<năm>/)")
    p.add_argument("--force", action="store_true",
                   help="ghi đè tệp đã có; nhập cả văn bản đã có trong kho (cùng số, năm, cơ quan hoặc cùng nội dung)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: in báo cáo nhập (từng trường, giá trị, đọc được/suy ra/TODO) dạng JSON ra stdout")
    p.add_argument("--no-original", action="store_true",
                   help="không đính kèm tệp PDF/Word/ảnh nhận được làm bản gốc (mặc định: có, kèm mã SHA-256)")
    p.add_argument("--keep-blank", action="store_true",
                   help="giữ số/ngày để trống đúng như bản công bố (bản thật sự không ghi số), thay vì ghi TODO")
    p.set_defaults(func=cmd_import)


def _add_new_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new", help="tạo tệp văn bản trống theo danh mục loại và cơ quan, với tên tệp tiếp theo",
        description="Tạo một tệp văn bản mới trong directives/<năm>/ với loại và cơ quan ban hành lấy từ danh mục; "
                    "các trường phải điền được ghi là TODO, `vanban check` sẽ liệt kê đúng các trường đó. "
                    "Thiếu --type/--issuer thì hỏi lần lượt (khi chạy trong cửa sổ lệnh).",
        epilog="Ví dụ: vanban new --type ke-hoach --issuer stttt --year 2024")
    p.add_argument("--type", help="loại văn bản: khóa, tên hoặc chữ viết tắt (ke-hoach, 'Kế hoạch', KH)")
    p.add_argument("--issuer", help="cơ quan ban hành: khóa hoặc chữ viết tắt (stttt, STTTT)")
    p.add_argument("--year", type=int, help="năm ban hành (mặc định: năm nay)")
    p.add_argument("-o", "--output", metavar="TỆP.md", help="ghi vào tệp này thay cho tên tệp tiếp theo")
    p.add_argument("--no-input", action="store_true", help="không hỏi; thiếu thông tin thì báo lỗi")
    p.set_defaults(func=cmd_new)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
