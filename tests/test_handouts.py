"""`course handouts`: printable pages with every scene and choice, no feedback in the student copy,
escaped content, nothing to fetch or run. (tests/browser/test_handouts.py renders one offline.)"""
from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest

from course.handouts import build_handout, discussion_questions, module_info, module_vignettes, write_handouts
from course.player import LETTERS, order_seed, shuffled_order

MODULES = ["frame", "transference", "countertransference", "power", "termination", "capstone"]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def squash(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("module", MODULES)
def test_the_student_handout_holds_every_scene_and_choice_and_no_feedback(module):
    page = build_handout(module, session="2026-03-02")
    words = squash(text_of(page))
    vignettes = module_vignettes(module)
    assert vignettes
    for v in vignettes:
        assert squash(v.title) in words and squash(v.client.presenting_concern) in words
        for s in v.scenes.values():
            for ln in s.lines:
                assert squash(ln.text) in words, (v.ref, s.id)
            for c in s.choices:
                assert squash(c.text) in words, (v.ref, s.id)
                assert squash(c.feedback) not in words   # no feedback on the student's copy
            if s.is_ending:
                assert squash(s.ending.summary) not in words
        assert not any(f">{sid}<" in page for sid in v.scenes)   # no scene ids
    assert "Helpful" not in words and "Harmful" not in words
    for q, _ in discussion_questions(module_info(module)):
        assert squash(q) in words
    assert "Observer card" in words and "Client card" in words and "pause" in words


@pytest.mark.parametrize("module", ["transference", "capstone"])
def test_the_facilitator_copy_adds_feedback_outcomes_and_what_a_strong_answer_touches(module):
    page = build_handout(module, facilitator=True, session="2026-03-02")
    words = squash(text_of(page))
    for v in module_vignettes(module):
        for s in v.scenes.values():
            for c in s.choices:
                assert squash(c.feedback) in words
            if s.is_ending:
                assert squash(s.ending.summary) in words
    q, touches = discussion_questions(module_info(module))[0]
    assert squash(q) in words and touches.split()[-1].strip("*.") in words


def test_letters_on_paper_match_the_projector_for_the_same_session():
    v = module_vignettes("transference")[0]
    page = build_handout("transference", session="2026-03-02")
    s = v.scenes[v.start]
    order = shuffled_order(order_seed(v, "discussion", "2026-03-02"), s.id, len(s.choices))
    first = html.escape(s.choices[order[0]].text, quote=True)
    assert f"<strong>{LETTERS[0]}.</strong> {first}" in page


def test_the_page_needs_no_network_and_runs_no_script():
    page = build_handout("power")
    assert "<script" not in page.lower() and not re.search(r"<[^>]+\son\w+\s*=", page)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page and "@media print" in page


def test_content_is_escaped(monkeypatch):
    import course.handouts as h

    real = h.module_vignettes

    def poisoned(module):
        from dataclasses import replace

        out = []
        for v in real(module):
            client = replace(v.client, name="<img src=x onerror=alert(1)>")
            out.append(replace(v, title="<script>alert(1)</script>", client=client))
        return out

    monkeypatch.setattr(h, "module_vignettes", poisoned)
    page = build_handout("frame")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_command_writes_both_copies_and_refuses_an_unknown_module(tmp_path):
    run = [sys.executable, "-m", "course.cli", "handouts"]
    done = subprocess.run(run + ["termination", "--out", str(tmp_path), "--session", "s1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["termination-facilitator.html", "termination-handout.html"]
    bad = subprocess.run(run + ["nope", "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "There is no module called 'nope'" in bad.stderr and "Traceback" not in bad.stderr
    assert len(write_handouts("all", tmp_path / "all")) == 2 * len(MODULES)
