"""The shared registries (codes, concepts, modules) and the YAML loader's line numbers."""
from __future__ import annotations

import pytest

from course import codes
from course.validation import validate
from course.yamlio import YamlError, load_yaml_text


def test_shipped_registries_are_valid():
    from course import paths

    report = validate([paths.CODES_FILE, paths.CONCEPTS_FILE, paths.MODULES_FILE])
    assert report.ok, [str(p) for p in report.problems]
    assert report.counts["code citations"] >= 30


def test_cite_house_style():
    assert codes.cite("aca-2014-a5c") == "ACA Code of Ethics (2014), A.5.c"
    assert codes.cite("bacp-2018-37").startswith("BACP Ethical Framework for the Counselling Professions (2018)")


def test_unknown_code_is_plain_guidance():
    from course.errors import CourseError

    with pytest.raises(CourseError, match="codes.yml"):
        codes.cite("aca-1995-x")


def test_module_order():
    assert codes.module_ids() == ["frame", "transference", "countertransference", "power", "termination", "capstone"]


def test_facts_sheet_rules_are_encoded():
    """Where the codes differ the registry must say so (FACTS.md section 1, key differences)."""
    c = codes.load_codes()
    assert "five years" in c["aca-2014-a5c"]["paraphrase"]
    assert "no waiting period" in c["aca-2014-a6e"]["paraphrase"].lower()
    assert "No waiting period" in c["nasw-2021-109c"]["paraphrase"]
    assert "No fixed interval" in c["bacp-2018-37"]["paraphrase"]
    assert "most unusual" in c["apa-2017-1008b"]["paraphrase"]


def test_yaml_lines_and_errors(tmp_path):
    data, lines = load_yaml_text("a: 1\nb:\n  - x\n  - y: 2\n", "f.yml")
    assert data == {"a": 1, "b": ["x", {"y": 2}]}
    assert lines[("b", 1, "y")] == 4
    assert lines.near(("b", 1, "y", "missing")) == 4
    with pytest.raises(YamlError) as e:
        load_yaml_text("a: 1\n  b: [\n", "g.yml")
    assert e.value.line >= 2 and "indentation" in e.value.message
    with pytest.raises(YamlError, match="appears twice"):
        load_yaml_text("a: 1\na: 2\n", "h.yml")


def test_registry_problems_name_line(tmp_path):
    bad = tmp_path / "codes.yml"
    bad.write_text("good-id:\n  code: X\nBad_Id:\n  code: Y\n")
    report = codes.validate_files([bad])
    lines = {p.line for p in report.problems}
    assert 3 in lines and any("lowercase" in p.what for p in report.problems)
