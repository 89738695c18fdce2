"""The progress dashboard: figures, one-line summaries, the empty view, and show_progress()."""
from __future__ import annotations

import re

import pytest
from matplotlib.figure import Figure

from course import dashboard, progress
from course.figures import progress as figs
from course.recorder import Event, record, set_recorder

CAT = {
    "frame": {"number": 1, "title": "The frame: why not a friendship", "notebook": "01_the_frame.ipynb",
              "vignettes": {"frame/a": "A", "frame/b": "B"}, "questions": ["frame.q1"]},
    "transference": {"number": 2, "title": "Transference", "notebook": "02_transference.ipynb",
                     "vignettes": {"transference/c": "C"}, "questions": []},
}


def _events():
    out = []
    for i, (day, q) in enumerate([("01", "harmful"), ("01", "mixed"), ("01", "harmful"), ("08", "helpful"),
                                  ("08", "helpful"), ("08", "mixed")]):
        out.append(Event("vignette.step", "frame", "a", {"vignette": "frame/a", "quality": q,
                                                          "concepts": ["frame", "transference"][: 1 + i % 2]},
                         at=f"2026-11-{day}T10:0{i}:00+00:00"))
    out.append(Event("vignette.ending", "frame", "a", {"vignette": "frame/a", "outcome": "helpful"},
                     at="2026-11-08T10:30:00+00:00"))
    out.append(Event("selfcheck.answer", "frame", "q1", {"question": "frame.q1", "answer": ["a"], "correct": True,
                                                          "score": 1.0, "concepts": ["asymmetry"]},
                     at="2026-11-08T10:40:00+00:00"))
    out.append(Event("vignette.ending", "transference", "c", {"vignette": "transference/c", "outcome": "mixed"},
                     at="2026-11-08T11:00:00+00:00"))
    return out


@pytest.fixture
def summ():
    return progress.summarize(_events(), CAT)


def test_one_line_summaries(summ):
    assert dashboard.describe_modules(summ) == (
        "1 of 2 modules complete; under way: module 1; 2 vignette endings reached and 1 self-check question answered.")
    assert dashboard.describe_concepts(summ, {"frame": "The therapeutic frame"}) == (
        "You have met 3 concepts so far; the most frequent: The therapeutic frame, transference and asymmetry.")
    assert dashboard.describe_choices(summ) == (
        "6 choices over 2 days: 2 helpful, 2 mixed, 2 harmful (33% helpful); "
        "your latest day had a higher share of helpful choices than your first.")
    for line in (dashboard.describe_modules(summ), dashboard.describe_choices(summ)):
        assert "\n" not in line


def test_empty_summaries_are_friendly():
    s = progress.summarize([], CAT)
    assert dashboard.describe_concepts(s) == "No concepts met yet."
    assert dashboard.describe_choices(s) == "No vignette choices yet."
    html = dashboard.dashboard_html(s, "/x/progress.sqlite3")
    assert "progress-empty" in html and "Nothing yet" in html and "<img" not in html
    assert "01_the_frame.ipynb" in html


def _texts(fig: Figure) -> str:
    ax = fig.axes[0]
    parts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    parts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts]
    if ax.get_legend():
        parts += [t.get_text() for t in ax.get_legend().get_texts()]
    return " | ".join(parts)


def test_module_figure_labels_every_module_and_marks_complete(summ):
    fig = figs.module_completion_figure(summ["modules"])
    text = _texts(fig)
    assert "1. The frame" in text and "2. Transference" in text
    assert "complete" in text and "2 of 3 done" in text
    hatches = {p.get_hatch() for p in fig.axes[0].patches}
    assert ".." in hatches           # partial progress is patterned, not colour alone


def test_concepts_figure_uses_labels_and_counts(summ):
    fig = figs.concepts_figure(summ["concepts"], {"frame": "The therapeutic frame"})
    text = _texts(fig)
    assert "The therapeutic frame" in text and "times met" in text
    widths = sorted(p.get_width() for p in fig.axes[0].patches)
    assert widths == [1, 3, 6]


def test_choice_figure_stacks_quality_with_patterns_and_legend(summ):
    fig = figs.choice_quality_figure(summ["by_day"])
    text = _texts(fig)
    assert "Helpful" in text and "Mixed" in text and "Harmful" in text
    assert "Nov 1" in text and "Nov 8" in text
    hatches = [p.get_hatch() for p in fig.axes[0].patches]
    assert "//" in hatches and "xx" in hatches
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert sum(heights) == 6


def test_empty_figures_say_so_instead_of_drawing_nothing():
    for fig in (figs.module_completion_figure([]), figs.concepts_figure([]), figs.choice_quality_figure([])):
        assert isinstance(fig, Figure)
        assert fig.axes[0].texts and fig.axes[0].texts[0].get_text()


def test_dashboard_html_has_three_figures_with_alt_text_and_what_next(summ):
    html = dashboard.dashboard_html(summ, "/home/x/progress.sqlite3")
    imgs = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"', html)
    assert len(imgs) == 3
    assert imgs[0] == dashboard.describe_modules(summ)
    assert html.count("<figcaption") == 3
    assert "What next:" in html and "\u201cB\u201d" in html
    assert "/home/x/progress.sqlite3" in html
    assert "memory" in dashboard.dashboard_html(summ, None)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.ENV_VAR, str(tmp_path))
    progress._reset_default_for_tests()
    progress._reset_notices_for_tests()
    set_recorder(None)
    yield tmp_path
    set_recorder(None)
    progress._reset_default_for_tests()


def test_show_progress_displays_empty_then_filled(store, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    dashboard.show_progress()
    assert len(shown) == 1 and "Nothing yet" in shown[0]
    record("vignette.step", "frame", "can-we-be-friends", vignette="frame/can-we-be-friends", quality="helpful",
           concepts=["frame"])
    shown.clear()
    dashboard.show_progress()
    assert len(shown) == 1 and shown[0].count("<img") == 3 and str(store) in shown[0]
    # not only displayed: saved. A new kernel (a fresh default recorder) reads the answers back
    record("selfcheck.answer", "frame", "feelings-and-reactions", question="frame.feelings-and-reactions",
           answer=["b"], correct=True, score=1.0, concepts=["frame"])
    progress._reset_default_for_tests()
    assert (store / progress.DB_NAME).is_file()
    shown.clear()
    dashboard.show_progress()
    assert re.search(r'alt="[^"]*\b1 self-check question answered', shown[0]), shown[0][:300]
    assert "0 vignette endings" in shown[0]


def _min_font_pt(fig: Figure) -> float:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    FigureCanvasAgg(fig).draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes)


def test_dashboard_figures_have_no_small_text_and_the_concept_count_sits_in_the_title():
    """At the dashboard's 90 dpi, 11 pt is about 14 px: nothing on the dashboard is smaller. The
    'top 12 of 15' note used to sit under the axis, on top of a tick label; it is now in the title."""
    from course.figures import progress as figs

    concepts = [(f"concept-{i:02d}", 20 - i) for i in range(15)]
    fig = figs.concepts_figure(concepts)
    assert "(the 12 most frequent of 15)" in fig.axes[0].get_title(loc="left")
    assert not [t for t in fig.axes[0].texts if "of 15" in t.get_text()], "no loose label under the axis"
    mods = [{"id": "frame", "number": 1, "title": "The frame", "complete": False, "fraction": 0.4,
             "items_done": 4, "items_total": 10}, {"id": "power", "number": 4, "title": "Power", "complete": True}]
    days = [{"day": "2026-11-01", "helpful": 2, "mixed": 1, "harmful": 0}]
    for f in (fig, figs.module_completion_figure(mods), figs.choice_quality_figure(days)):
        assert _min_font_pt(f) >= 11


def test_course_figures_have_no_text_under_ten_points():
    """Module figures are scaled down to fit the notebook; their smallest text is 9.5 pt or more."""
    from course.figures import capstone, countertransference, frame, power, termination, transference

    for fig in (frame.friendship_vs_counseling(), frame.alliance_in_context(), transference.cycle_figure(),
                transference.sources_figure(), countertransference.two_paths(),
                countertransference.research_findings(), power.boundary_map(),
                termination.former_clients_figure(), capstone.case_threads("hala-and-tamsin")):
        assert _min_font_pt(fig) >= 9.5, fig
