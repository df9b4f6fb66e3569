"""Accuracy of `vanban import` on the real corpus: fields right / left TODO / wrong, per format.

    .venv/bin/python benchmarks/bench_import.py            # the working tree's importer
    .venv/bin/python benchmarks/bench_import.py --rev REV  # the importer of a git revision (before/after)
    .venv/bin/python benchmarks/bench_import.py --show     # also list every field that is not right

The corpus is tests/fixtures/import/real/: 34 public documents of provincial bodies as portals,
legal-text sites and crawls show them (text), and the PDF, Word, `pdftotext -layout` and scanned (OCR)
forms made from them by make_real_forms.py. "wrong" is a value that is not the document's: the
outcome the importer must never produce; "TODO" is a field left, honestly, for staff.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from import_corpus import FORMATS, cases, score_case  # noqa: E402

ALL_FORMATS = {"text": ".txt", "layout": ".layout.txt", "pdf": ".pdf", "docx": ".docx", "scan": ".png"}


def load_vanban(rev: str | None, tmp: Path):
    if rev:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "hooks"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        sys.path.insert(0, str(tmp / "hooks"))
    else:
        sys.path.insert(0, str(ROOT / "hooks"))
    return (importlib.import_module("vanban.importer"), importlib.import_module("vanban.extract"),
            importlib.import_module("vanban.registry"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="measure the importer of this git revision instead of the working tree")
    parser.add_argument("--show", action="store_true", help="list the fields that are not right")
    parser.add_argument("--formats", default=",".join(ALL_FORMATS), help="comma-separated: " + ", ".join(ALL_FORMATS))
    args = parser.parse_args()
    FORMATS.update(ALL_FORMATS)
    with tempfile.TemporaryDirectory() as tmp:
        importer, extract, registry = load_vanban(args.rev, Path(tmp))
        registries, _ = registry.load_registries(ROOT / "directives", ROOT)
        print(f"{'format':<8} {'docs':>4} {'fields':>6} {'right':>6} {'TODO':>5} {'wrong':>5} {'right %':>8} {'s/doc':>6}")
        for fmt in args.formats.split(","):
            totals: collections.Counter = collections.Counter()
            docs, seconds, notes = 0, 0.0, []
            for case in cases():
                source = case.source(fmt)
                if not source.exists():
                    continue
                docs += 1
                started = time.perf_counter()
                try:
                    if hasattr(extract, "extract"):
                        got = extract.extract(source)
                        imported = importer.parse_document(got.text, registries, ocr=got.ocr)
                    else:
                        imported = importer.parse_document(extract.extract_text(source), registries)
                    front = imported.front
                except Exception as error:  # an old revision may refuse a format: every field is then a TODO
                    front = {}
                    notes.append(f"  {case.name}: {type(error).__name__}: {error}")
                seconds += time.perf_counter() - started
                scores = score_case(case, front)
                if not front:  # refused (an old revision on a scan): nothing was written, nothing is wrong
                    scores = {field: "todo" for field in scores}
                totals.update(scores.values())
                for field, outcome in scores.items():
                    if outcome != "right":
                        value = front.get("signer") if field.startswith("signer") else front.get(field)
                        notes.append(f"  {outcome:5} {case.name} {field}: {value!r}"[:200])
            fields = sum(totals.values())
            if not docs:
                continue
            print(f"{fmt:<8} {docs:>4} {fields:>6} {totals['right']:>6} {totals['todo']:>5} {totals['wrong']:>5} "
                  f"{100 * totals['right'] / fields:>7.1f}% {seconds / docs:>6.2f}")
            if args.show:
                print("\n".join(notes))


if __name__ == "__main__":
    main()
