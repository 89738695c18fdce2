"""Reflection rubrics and the reflection scorer (draft: loader and basic validation only)."""
from __future__ import annotations

from pathlib import Path

from course.validation import Report
from course.yamlio import YamlError, load_yaml


def validate_files(paths: list[Path]) -> Report:
    report = Report()
    for f in paths:
        if "items" in Path(f).parts:
            continue
        try:
            data, lines = load_yaml(f)
        except YamlError as exc:
            report.add(exc.path, exc.line, exc.message, "fix the YAML syntax")
            continue
        if not isinstance(data, dict):
            report.add(f, 1, "a rubric must be a mapping", "see docs/design/rubric-format.md")
            continue
        for key in ("question", "title", "prompt", "max_points"):
            if not data.get(key):
                report.add(f, 1, f"the rubric has no '{key}'", f"add '{key}:'")
        report.count("reflection rubrics")
    return report
