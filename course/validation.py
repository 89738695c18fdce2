"""Shared shape of validation results, and `course validate`'s dispatcher.

Each content kind has a validator `validate_files(paths: list[Path]) -> Report` registered in
VALIDATORS; `course validate [PATH...]` routes files to them by location, runs them all, and
prints every problem as `path:line: what is wrong; how to fix it`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from course import paths


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}; {self.fix}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, path, line: int, what: str, fix: str) -> None:
        self.problems.append(Problem(str(path), int(line or 1), what, fix))

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def extend(self, other: "Report") -> None:
        self.problems.extend(other.problems)
        for k, v in other.counts.items():
            self.count(k, v)

    @property
    def ok(self) -> bool:
        return not self.problems


# kind -> (folder that holds that kind, "module:function", file suffixes)
VALIDATORS: dict[str, tuple[Path, str, tuple[str, ...]]] = {
    "registry": (paths.CONTENT_DIR, "course.codes:validate_files", (".yml",)),
    "vignettes": (paths.VIGNETTES_DIR, "course.scenes:validate_files", (".yml", ".yaml")),
    "questions": (paths.QUESTIONS_DIR, "course.questions:validate_files", (".yml", ".yaml")),
    "rubrics": (paths.RUBRICS_DIR, "course.rubric:validate_files", (".yml", ".yaml")),
    "lens": (paths.CONTENT_DIR, "course.lens:validate_files", (".yml",)),  # code_differences.yml
    "cases": (paths.CONTENT_DIR / "cases", "course.case:validate_files", (".yml", ".yaml")),
}
ALIGNMENT_DIR = paths.CONTENT_DIR / "alignment"     # objective maps: format docs/design/alignment-map.md
REGISTRY_FILES = {paths.CODES_FILE.name, paths.CONCEPTS_FILE.name, paths.MODULES_FILE.name}


def _kind_of(path: Path) -> str | None:
    rp = path.resolve()
    if rp.parent == paths.CONTENT_DIR and rp.name in REGISTRY_FILES:
        return "registry"
    if rp.parent == paths.CONTENT_DIR and rp.name == "code_differences.yml":
        return "lens"
    for kind in ("vignettes", "questions", "rubrics", "cases"):
        folder = VALIDATORS[kind][0]
        if folder in rp.parents:
            return kind
    if any(p.name == "rubrics" and (p.parent / paths.CONFIG_NAME).is_file() for p in rp.parents):
        return "rubrics"  # the rubrics/ of any course root, e.g. an instructor's copy of grading/
    # a file outside the tree: guess by content shape
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return None
    if "scenes:" in head:
        return "vignettes"
    if "questions:" in head:
        return "questions"
    if "concepts:" in head and ("red_flags:" in head or "weight:" in head):
        return "rubrics"
    return None


def collect(targets: list[Path]) -> tuple[dict[str, list[Path]], Report]:
    """Sort files under `targets` by kind; report paths that do not exist or are not content."""
    by_kind: dict[str, list[Path]] = {k: [] for k in VALIDATORS}
    report = Report()
    for t in targets:
        if not t.exists():
            report.add(t, 1, "no such file or folder", "check the path (it is relative to where you run the command)")
            continue
        files = [t] if t.is_file() else sorted(   # hidden folders (.git, .github, .ipynb_checkpoints) are not content
            p for p in t.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(t).parts))
        for f in files:
            if f.suffix not in (".yml", ".yaml"):
                if t.is_file():
                    report.add(f, 1, "not a course content file", "give a .yml vignette, question, rubric or registry file")
                continue
            if ALIGNMENT_DIR in f.resolve().parents:
                report.count("alignment maps (checked by tests/test_alignment.py)")
                continue
            kind = _kind_of(f)
            if kind is None:   # in a folder too: a file nobody checks must not pass as checked
                if f.stat().st_size == 0 or not f.read_text(encoding="utf-8", errors="replace").strip():
                    report.add(f, 1, "the file is empty", "write its content, or delete the file")
                else:
                    report.add(f, 1, "cannot tell what kind of course file this is",
                               "put it under course/content/vignettes, course/content/questions or grading/rubrics, "
                               "or start it with the keys of its kind (scenes:, questions:, concepts:)")
                continue
            by_kind[kind].append(f)
    return by_kind, report


def validate(targets: list[Path] | None = None) -> Report:
    if not targets:
        targets = [paths.CONTENT_DIR, paths.RUBRICS_DIR]
    by_kind, report = collect([Path(t) for t in targets])
    for kind, files in by_kind.items():
        if not files:
            continue
        module, func = VALIDATORS[kind][1].split(":")
        try:
            fn = getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError):
            report.add(files[0], 1, f"no validator is installed for {kind}",
                       "update the course package (pip install -e .)")
            continue
        report.extend(fn(files))
    return report
