"""The review workbench in JupyterLab: three flagged reflections graded with the keyboard alone.

After Run All (the menu), focus moves only by Tab and keys typed; nothing is clicked and nothing
is focused programmatically. The scores and a comment land in nbgrader's gradebook, and `course
review` then has nothing left for these answers.
"""
from __future__ import annotations

import nbformat

from tests import workbench_kit as kit


def _probe(lab_root, course) -> str:
    nb = nbformat.read(str(kit.REPO / "notebooks" / "instructor" / "review_workbench.ipynb"), as_version=4)
    code = nb.cells[1]
    code.source = code.source.replace("ROOT = None", f"ROOT = {str(course)!r}")
    assert str(course) in code.source
    nbformat.write(nb, lab_root / "workbench_probe.ipynb")
    return "workbench_probe.ipynb"


def _active(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e ? e.tagName : '', type: e && e.type || '', text: ((e && e.innerText) || '').trim(),
                score: !!(e && e.closest('.wb-score')), comment: !!(e && e.closest('.wb-comment')),
                inbench: !!(e && e.closest('.review-workbench'))}; }""")


def _tab_to(page, test, limit: int = 120) -> dict:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        a = _active(page)
        seen.append(f"{a['tag']}:{a['text'][:25]}")
        if test(a):
            return a
    raise AssertionError("keyboard focus never got there; it visited: " + " | ".join(seen[-30:]))


def test_three_flagged_answers_graded_by_keyboard(page, lab, open_notebook, run_all, artifacts, tmp_path):
    from playwright.sync_api import expect

    from course.grading import gradebook as gbmod
    from course.grading.review import review

    course = kit.build(tmp_path / "grading")
    flagged = [e.student for e in review(kit.A, course)]
    assert sorted(flagged) == ["ada", "bo", "cy"]
    open_notebook(page, _probe(lab.root, course))
    run_all(page)
    bench = page.locator(".review-workbench").first
    expect(bench).to_contain_text("Answer 1 of 3")
    expect(bench).to_contain_text("Red flags")
    page.screenshot(path=str(artifacts / "review_workbench.png"))

    scores = {}
    for n, points in enumerate(("1", "2", "0.5"), start=1):
        expect(bench).to_contain_text(f"Answer {n} of 3")
        header = bench.locator("h3").first.inner_text()
        student = header.split(": ", 1)[1].split(",")[0]
        if student == "ada":  # the one flagged answer with concepts found: its evidence is highlighted
            expect(bench.locator(".wb-evidence").first).to_be_visible()
            # and its red flag has a box the grader can untick; the scorer applied it, so it is ticked
            flag = bench.locator(".wb-flag input[type=checkbox]").first
            expect(flag).to_be_visible()
            expect(flag).to_be_checked()
        _tab_to(page, lambda a: a["score"] and a["tag"] == "INPUT")
        page.keyboard.press("Control+A")
        page.keyboard.type(points)
        if n == 1:
            _tab_to(page, lambda a: a["comment"] and a["tag"] == "TEXTAREA")
            page.keyboard.type("Lunch would add a second, social role.")
        _tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"] == "Save and next")
        page.keyboard.press("Enter")
        expect(bench.locator(".wb-status")).to_contain_text(f"Saved {float(points):g} for {student}")
        scores[student] = float(points)
    expect(bench).to_contain_text("All 3 answers in the queue have been seen")
    expect(bench).to_contain_text("3 of 3 saved")

    with gbmod.open_gradebook(course) as gb:
        for student, points in scores.items():
            g = gb.find_grade("answer_1-check", kit.A, kit.A, student)
            assert (g.manual_score, g.needs_manual_grade) == (points, False), student
        first = next(iter(scores))
        assert gb.find_comment("answer_1", kit.A, kit.A, first).manual_comment == "Lunch would add a second, social role."
    assert review(kit.A, course) == []


def test_a_comment_typed_while_the_kernel_is_busy_is_saved_whole(page, lab, open_notebook, run_all, tmp_path):
    """A grader types a comment while the kernel is still busy (a slow gradebook, a loaded server)
    and clicks Save at once. ipywidgets holds back keystroke updates while the kernel is busy, and
    not the click: with the box sending every keystroke, the click overtook them and the gradebook
    got the first letters of the comment (seen in CI). The comment box now sends its text when the
    focus leaves it, which is before the click."""
    from playwright.sync_api import expect

    from course.grading import gradebook as gbmod

    course = kit.build(tmp_path / "grading")
    name = _probe(lab.root, course)
    nb = nbformat.read(str(lab.root / name), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import time, ipywidgets as w\nbusy = w.Button(description='Keep the kernel busy')\n"
        "busy.add_class('busy-maker')\nbusy.on_click(lambda _b: time.sleep(4))\nbusy"))
    nbformat.write(nb, lab.root / name)
    open_notebook(page, name)
    run_all(page)
    bench = page.locator(".review-workbench").first
    expect(bench).to_contain_text("Answer 1 of 3")
    student = bench.locator("h3").first.inner_text().split(": ", 1)[1].split(",")[0]
    comment = "A second, social role would change what these hours are for; say so warmly."
    page.locator(".busy-maker button, button.busy-maker").first.click()
    expect(page.locator(".jp-Notebook-ExecutionIndicator, #jp-main-statusbar").first).to_be_visible()
    bench.locator(".wb-score input").fill("1.5")
    bench.locator(".wb-comment textarea").press_sequentially(comment, delay=5)
    bench.get_by_role("button", name="Save and next").click()
    expect(bench.locator(".wb-status")).to_contain_text(f"Saved 1.5 for {student}", timeout=30_000)
    with gbmod.open_gradebook(course) as gb:
        assert gb.find_comment("answer_1", kit.A, kit.A, student).manual_comment == comment
