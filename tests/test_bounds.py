"""Every front-matter value is bounded: huge integers, deep nesting and long keys are an error naming
the file and the field (in Vietnamese), never a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REGISTRIES, fixture_text, make_archive
from vanban.bounds import MAX_DEPTH, MAX_INTEGER, MAX_KEY
from vanban.loader import load_directive
from vanban.registry import load_registries

VANBAN = str(Path(sys.executable).parent / "vanban")
BASE = fixture_text("ke-hoach-hop-le.md")
TOPICS = "topics: [cai-cach-hanh-chinh]"
VIETNAMESE_MARKS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def registries():
    return load_registries(REGISTRIES.parent, REGISTRIES.parent.parent)[0]


def _load(tmp_path: Path, registries, front_line: str):
    path = tmp_path / "van-ban.md"
    path.write_text(BASE.replace(TOPICS, TOPICS + "\n" + front_line), encoding="utf-8")
    return load_directive(path, registries, tmp_path)


def _nested(depth: int, leaf: str) -> str:
    return "[" * depth + leaf + "]" * depth


@st.composite
def hostile_field(draw) -> tuple[str, str, bool]:
    """(front-matter line, field name, whether it is past a bound)."""
    key = draw(st.sampled_from(["topics", "recipients", "relations", "signer", "attachments", "aliases", "slug"]))
    kind = draw(st.sampled_from(["integer", "nested", "long-key", "nested-key"]))
    if kind == "integer":
        digits = draw(st.one_of(st.integers(1, 30), st.integers(4000, 6000)))
        sign = draw(st.sampled_from(["", "-", "+"]))
        text = sign + "9" * digits
        value = draw(st.sampled_from([text, f"[{text}]", f"{{number: 1/KH-UBND, year: {text}}}"]))
        return f"{key}: {value}", key, digits >= len(str(MAX_INTEGER))
    if kind == "nested":
        depth = draw(st.integers(1, 400))
        return f"{key}: {_nested(depth, 'x')}", key, depth - 1 > MAX_DEPTH
    length = draw(st.one_of(st.integers(1, 60), st.integers(MAX_KEY + 1, 5000)))
    name = "k" * length
    if kind == "long-key":
        return f"{name}: 1", name, length > MAX_KEY
    return f"{key}: {{{name}: 1}}", key, length > MAX_KEY


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=hostile_field())
@example(case=("topics: " + "9" * 5000, "topics", True))
@example(case=("topics: " + _nested(10000, "x"), "topics", True))
def test_a_value_past_its_bound_is_an_error_naming_file_and_field(tmp_path, registries, case):
    line, field, past = case
    directive, problems = _load(tmp_path, registries, line)  # never raises
    named = [p for p in problems if p.path == "van-ban.md" and p.is_error]
    if past:
        assert directive is None and named
        mine = [p for p in named if p.field and (p.field == field or field.startswith(p.field.rstrip("…")))]
        assert mine or any(p.field is None for p in named), [p.format() for p in problems]
        assert all(VIETNAMESE_MARKS & set(p.message) for p in named)
    else:  # within the bounds: whatever the field's own rules say, but never a crash
        assert directive is not None or named


def test_check_names_the_file_and_field_of_a_5000_digit_number(tmp_path):
    folder = make_archive(tmp_path / "d", {"2023/so-lon.md": BASE.replace(TOPICS, "topics: " + "9" * 5000)})
    proc = subprocess.run([VANBAN, "check", "--directives", str(folder)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stdout.startswith("d/2023/so-lon.md:13: lỗi VB114 [topics]: Số quá lớn")
