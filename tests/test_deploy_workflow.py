"""The CI deployment workflows run what `make check` and `make build` run, and publish the built site."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from conftest import ROOT


def make_recipe(target: str) -> list[str]:
    """The commands of a Makefile target, with the venv prefix removed (CI installs into its own Python)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert match, target
    return [re.sub(r"^\$\(VENV\)/bin/", "", line.strip()) for line in match.group(1).splitlines()]


def github_commands() -> tuple[dict, list[str]]:
    workflow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    commands = [line.strip() for step in steps for line in step.get("run", "").splitlines() if line.strip()]
    return workflow, commands


def in_order(wanted: list[str], commands: list[str]) -> bool:
    positions = [commands.index(c) for c in wanted if c in commands]
    return len(positions) == len(wanted) and positions == sorted(positions)


LOCKED_INSTALL = ["python -m pip install --require-hashes -r requirements.lock", "python -m pip install --no-deps -e ."]
"""What every deploy installs: the locked, hash-checked versions, then the project alone."""


def test_makefile_targets_are_what_ci_must_run():
    assert make_recipe("check")[0] == "vanban check"
    assert make_recipe("build") == ["mkdocs build --strict"]


def test_github_workflow_checks_builds_strictly_and_publishes_site():
    workflow, commands = github_commands()
    assert in_order(make_recipe("check") + make_recipe("build"), commands), commands
    assert in_order(LOCKED_INSTALL, commands), commands
    assert workflow["env"]["NO_MKDOCS_2_WARNING"] == "1"
    steps = workflow["jobs"]["build"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    # The render cache is restored before the build (the newest one) and saved after it.
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache/vanban" and cache["with"]["restore-keys"] == "vanban-"
    assert steps.index(cache) < next(i for i, s in enumerate(steps) if s.get("run") == "mkdocs build --strict")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]


def test_github_annotation_step_turns_check_json_into_annotations(tmp_path):
    # Run the workflow's own converter over real `vanban check --format json` output.
    _, commands = github_commands()
    converter = next(c for c in commands if c.startswith("python -c"))
    script = re.match(r'python -c "(.*)"$', converter).group(1).replace('\\"', '"')
    problems = '[{"path": "directives/2023/x.md", "line": 5, "field": "issuer", "severity": "error", "message": "Không có"}]'
    (tmp_path / "check.json").write_text(problems, encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "::error file=directives/2023/x.md,line=5,title=issuer::Không có"


def test_gitlab_pages_job_runs_the_same_commands_and_publishes_public():
    ci = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    script = ci["pages"]["script"]
    assert in_order(make_recipe("check") + make_recipe("build"), script), script
    assert in_order(LOCKED_INSTALL, script) and in_order(LOCKED_INSTALL, ci["check"]["script"])
    assert not any(re.match(r"python -m pip install (-e )?\.$", c) for c in script + ci["check"]["script"])
    assert ci["pages"]["artifacts"]["paths"] == ["public"] and "cp -r site public" in script[-1]
    assert ci["variables"]["NO_MKDOCS_2_WARNING"] == "1"
    assert ".cache/vanban" in ci["cache"]["paths"]
    python = re.search(r"python:(\d+\.\d+)", ci["image"]).group(1)
    required = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert tuple(map(int, python.split("."))) >= tuple(map(int, required.lstrip(">=").split(".")))
