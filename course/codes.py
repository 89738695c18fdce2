"""The registries everything else refers to: ethics-code citations, concept tags, modules.

    cite("aca-2014-a5c")  -> "ACA Code of Ethics (2014), A.5.c"
    code_entry("aca-2014-a5c")["paraphrase"]
    concept_label("transference")
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from course import paths
from course.errors import CourseError
from course.validation import Report
from course.yamlio import YamlError, load_yaml

CODE_FIELDS = ("code", "version", "section", "title", "paraphrase", "confidence")
CONFIDENCE = ("verified", "secondary")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@lru_cache(maxsize=None)
def load_codes() -> dict[str, dict]:
    data, _ = load_yaml(paths.CODES_FILE)
    return dict(data or {})


@lru_cache(maxsize=None)
def load_concepts() -> dict[str, dict]:
    data, _ = load_yaml(paths.CONCEPTS_FILE)
    return dict(data or {})


@lru_cache(maxsize=None)
def load_modules() -> list[dict]:
    data, _ = load_yaml(paths.MODULES_FILE)
    return list(data or [])


def module_ids() -> list[str]:
    return [m["id"] for m in load_modules()]


def code_entry(code_id: str) -> dict:
    try:
        return load_codes()[code_id]
    except KeyError:
        raise CourseError(f"There is no ethics-code citation called '{code_id}'.",
                          hint="Check the id against course/content/codes.yml.") from None


def cite(code_id: str, *, with_title: bool = False) -> str:
    """A citation in the course's house style: code (version), section."""
    e = code_entry(code_id)
    text = f"{e['code']} ({e['version']}), {e['section']}"
    return f"{text}: {e['title']}" if with_title else text


def concept_label(tag: str) -> str:
    c = load_concepts().get(tag)
    return c["label"] if c else tag


def validate_files(files: list[Path]) -> Report:
    report = Report()
    for f in files:
        try:
            data, lines = load_yaml(f)
        except YamlError as exc:
            report.add(exc.path, exc.line, exc.message, "fix the YAML syntax")
            continue
        name = Path(f).name
        if name == paths.CODES_FILE.name:
            _check_codes(f, data, lines, report)
        elif name == paths.CONCEPTS_FILE.name:
            _check_concepts(f, data, lines, report)
        elif name == paths.MODULES_FILE.name:
            _check_modules(f, data, lines, report)
    return report


def _check_codes(f, data, lines, report: Report) -> None:
    if not isinstance(data, dict):
        report.add(f, 1, "the code registry must be a mapping of id -> entry", "see the comment at the top of codes.yml")
        return
    for cid, entry in data.items():
        line = lines.near((cid,))
        if not ID_RE.match(str(cid)):
            report.add(f, line, f"code id '{cid}' is not lowercase-with-hyphens", "rename it, e.g. aca-2014-a5c")
        if not isinstance(entry, dict):
            report.add(f, line, f"code '{cid}' is not a mapping", f"give it the fields {', '.join(CODE_FIELDS)}")
            continue
        for fld in CODE_FIELDS:
            if not str(entry.get(fld) or "").strip():
                report.add(f, line, f"code '{cid}' has no '{fld}'", f"add '{fld}:' to it")
        if entry.get("confidence") not in (None, "", *CONFIDENCE):
            report.add(f, lines.near((cid, "confidence")), f"code '{cid}' has confidence '{entry.get('confidence')}'",
                       f"use one of: {', '.join(CONFIDENCE)} (unverified citations do not belong in the course)")
        report.count("code citations")


def _check_concepts(f, data, lines, report: Report) -> None:
    if not isinstance(data, dict):
        report.add(f, 1, "the concept registry must be a mapping of tag -> entry", "see concepts.yml")
        return
    for tag, entry in data.items():
        line = lines.near((tag,))
        if not ID_RE.match(str(tag)):
            report.add(f, line, f"concept tag '{tag}' is not lowercase-with-hyphens", "rename it")
        if not isinstance(entry, dict) or not entry.get("label") or not entry.get("definition"):
            report.add(f, line, f"concept '{tag}' needs a label and a definition", "add 'label:' and 'definition:'")
        report.count("concept tags")


def _check_modules(f, data, lines, report: Report) -> None:
    if not isinstance(data, list):
        report.add(f, 1, "modules.yml must be a list of modules", "see modules.yml")
        return
    for i, m in enumerate(data):
        if not isinstance(m, dict) or not all(m.get(k) for k in ("id", "number", "title", "notebook")):
            report.add(f, lines.near((i,)), "a module needs id, number, title and notebook", "add the missing field")
