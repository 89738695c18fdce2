"""The README's promises: two set-up commands first, and a repository map that matches the tree."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
IGNORED_TOP = {".git", ".venv", ".pytest_cache", ".gitignore", ".ipynb_checkpoints", "__pycache__"}


def _map_entries() -> list[tuple[int, str]]:
    block = README.split("## Repository map", 1)[1].split("```", 2)[1]
    entries = []
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        entries.append((indent, line.split()[0]))
    return entries


def _listed_paths() -> list[str]:
    paths, parent = [], ""
    for indent, name in _map_entries():
        if indent == 0:
            parent = name if name.endswith("/") else ""
            paths.append(name)
        else:
            paths.append(parent + name)
    return paths


def test_quick_start_comes_first_with_two_commands():
    first_section = README.split("\n## ", 2)[1]
    assert first_section.startswith("Quick start")
    commands = re.findall(r"^make (\w+)", first_section, flags=re.M)
    assert commands[:2] == ["lab", "test"]


def test_every_listed_path_exists():
    missing = [p for p in _listed_paths() if not (REPO / p).exists()]
    assert not missing, f"README lists paths that do not exist: {missing}"


def test_every_top_level_entry_is_listed():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if tracked:
        top = {p.split("/")[0] + ("/" if "/" in p else "") for p in tracked}
    else:  # not a git checkout (e.g. a source archive)
        top = {p.name + ("/" if p.is_dir() else "") for p in REPO.iterdir()}
    top = {t for t in top if t.rstrip("/") not in IGNORED_TOP and not t.endswith(".egg-info/")}
    listed = {name.split("/")[0] + ("/" if "/" in name else "") for indent, name in _map_entries() if indent == 0}
    unlisted = sorted(top - listed)
    assert not unlisted, f"top-level entries missing from the README map: {unlisted}"


def test_user_pages_exist():
    for page in ("docs/students.md", "docs/seminar-leaders.md", "docs/graders.md"):
        assert (REPO / page).exists(), page
        assert page in README
