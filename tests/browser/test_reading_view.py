"""The reading view (`make read`, Voila): a module opens as a page that runs itself and shows only
text, figures and widgets; a vignette plays to its end with no code anywhere on the page, and the
play lands in the learner's progress store like play in JupyterLab does."""
from __future__ import annotations

import re
import sqlite3

from course.scenes import load_vignette
from tests.make_server import TOKEN

VIGNETTE = "frame/have-you-lost-anyone"
# anything that would show code: a code cell's input area or prompt, a CodeMirror editor (5 or 6)
# (markdown cells are rendered inside .jp-InputArea too: that is text, not code)
CODE = (".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-InputPrompt, .jp-InputArea-editor, .cm-editor, "
        ".CodeMirror, .jp-CodeCell .highlight, pre code")


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def _endings(folder, ref: str) -> int:
    dbs = sorted(folder.glob("*.sqlite3"))
    if not dbs:
        return 0
    with sqlite3.connect(dbs[0]) as con:
        module, item = ref.split("/", 1)
        return con.execute("SELECT COUNT(*) FROM events WHERE kind = 'vignette.ending' AND module = ? AND item = ?",
                           (module, item)).fetchone()[0]


def test_module_one_reads_and_a_vignette_plays_to_its_end_with_no_code(reading_view, page, artifacts):
    from playwright.sync_api import expect

    v = load_vignette(VIGNETTE)
    scene = v.scenes[v.start]
    # the tree `make read` opens lists the learner's notebooks
    page.goto(f"{reading_view.url}/?token={TOKEN}")
    link = page.get_by_role("link", name=re.compile("01_the_frame"))
    expect(link).to_have_attribute("href", re.compile(r"^/voila/render/01_the_frame\.ipynb"))
    # (the tree opens it in a new tab). Voila sends the page while the kernel runs every cell, and
    # the load event comes only after the last: on a busy machine that takes minutes, so wait for it
    # generously here and let the waiting expect below decide.
    page.goto(reading_view.url + link.get_attribute("href"), wait_until="commit", timeout=180_000)
    player = page.locator(".vignette-player").filter(has_text=v.title)
    expect(player).to_be_visible(timeout=180_000)
    expect(page.locator("figure.course-figure img").first).to_be_visible()
    expect(page.locator(CODE)).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(f'play("{VIGNETTE}")')

    steps = 0
    while scene.ending is None:
        choice = next(c for c in scene.choices if c.quality == "helpful")
        player.get_by_label(choice.text[:60], exact=False).check()
        player.get_by_role("button", name="Say this").click()
        expect(player.locator(".vignette-feedback")).to_contain_text("Helpful response")
        player.get_by_role("button", name=re.compile("^(Continue|See how it ends)$")).click()
        scene = v.scenes[choice.next]
        steps += 1
    assert steps >= 2
    ending = player.locator(".vignette-ending")
    expect(ending).to_contain_text(_first_sentence(scene.ending.summary))
    ending.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "reading_view_ending.png"))
    expect(page.locator(CODE)).to_have_count(0)
    # the same progress store as JupyterLab: COURSE_PROGRESS_DIR (here the test's learner folder)
    # (the kernel writes the ending right after it draws it: wait for the record, at most 15 s)
    for _ in range(30):
        if _endings(reading_view.base / "learner", VIGNETTE):
            break
        page.wait_for_timeout(500)
    assert _endings(reading_view.base / "learner", VIGNETTE) == 1
