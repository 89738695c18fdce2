"""environment.yml (conda) and pyproject.toml (pip) name the same dependencies."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _norm(spec: str) -> tuple[str, str]:
    m = NAME.match(spec)
    assert m, f"cannot read dependency {spec!r}"
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pip_deps() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    specs = list(data["project"]["dependencies"]) + list(data["project"]["optional-dependencies"]["test"])
    return dict(_norm(s) for s in specs)


def conda_deps() -> dict[str, str]:
    data = yaml.safe_load((REPO / "environment.yml").read_text())
    out = {}
    for d in data["dependencies"]:
        if isinstance(d, str):
            name, ver = _norm(d)
            if name not in {"python", "pip"}:
                out[name] = ver
    return out


def test_same_packages_and_versions():
    pip, conda = pip_deps(), conda_deps()
    assert set(pip) == set(conda), (
        f"only in pyproject.toml: {sorted(set(pip) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pip))}")
    diffs = {k: (pip[k], conda[k]) for k in pip if pip[k] != conda[k]}
    assert not diffs, f"version ranges differ (pyproject, environment): {diffs}"


def test_python_versions_agree():
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda_python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert data["project"]["requires-python"].replace(" ", "") == conda_python[len("python"):].replace(" ", "")


def test_environment_installs_the_course_itself():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
