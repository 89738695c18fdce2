"""The learner's progress dashboard: `show_progress()` in notebooks/99_my_progress.ipynb.

Three figures (module completion, concepts met, quality of vignette choices over time), each
with a one-line summary beneath it that says the same thing in words (and serves as the image's
alternative text), and a short "what next" suggestion. With nothing recorded yet it shows a
friendly starting view instead of empty charts. Text helpers are pure and tested on their own.
"""
from __future__ import annotations

import base64
import html
import io
from typing import Any

from course import progress


# --------------------------------------------------------------------------- one-line summaries
def describe_modules(s: dict[str, Any]) -> str:
    mods = s.get("modules", [])
    done = [m for m in mods if m["complete"]]
    partial = [m for m in mods if not m["complete"] and m["items_done"]]
    if not mods:
        return "No modules are installed."
    if len(done) == len(mods):
        parts = [f"Every module complete ({len(done)} of {len(mods)})"]
    else:
        parts = [f"{len(done)} of {len(mods)} modules complete"]
    if partial:
        names = ", ".join(str(m["number"]) for m in partial)
        parts.append(f"under way: module{'s' if len(partial) > 1 else ''} {names}")
    t = s.get("totals", {})
    parts.append(f"{t.get('vignettes_finished', 0)} vignette ending{'s' if t.get('vignettes_finished', 0) != 1 else ''} "
                 f"reached and {t.get('questions_answered', 0)} self-check question"
                 f"{'s' if t.get('questions_answered', 0) != 1 else ''} answered")
    return "; ".join(parts) + "."


def describe_concepts(s: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    concepts = s.get("concepts", [])
    if not concepts:
        return "No concepts met yet."
    labels = labels or {}
    top = [labels.get(t, t) for t, _ in concepts[:3]]
    most = top[0] if len(top) == 1 else ", ".join(top[:-1]) + f" and {top[-1]}"
    return (f"You have met {len(concepts)} concept{'s' if len(concepts) != 1 else ''} so far; "
            f"the most frequent: {most}.")


def describe_choices(s: dict[str, Any]) -> str:
    days = s.get("by_day", [])
    if not days:
        return "No vignette choices yet."
    tot = {q: sum(d.get(q, 0) for d in days) for q in progress.QUALITIES}
    n = sum(tot.values())
    share = round(100 * tot["helpful"] / n) if n else 0
    text = (f"{n} choice{'s' if n != 1 else ''} over {len(days)} day{'s' if len(days) != 1 else ''}: "
            f"{tot['helpful']} helpful, {tot['mixed']} mixed, {tot['harmful']} harmful ({share}% helpful)")
    if len(days) >= 2:
        def rate(d):
            k = sum(d.get(q, 0) for q in progress.QUALITIES)
            return d.get("helpful", 0) / k if k else 0.0

        first, last = rate(days[0]), rate(days[-1])
        if last > first + 0.05:
            text += "; your latest day had a higher share of helpful choices than your first"
        elif last < first - 0.05:
            text += "; your latest day had a lower share of helpful choices than your first"
        else:
            text += "; about the same share of helpful choices on your first and latest days"
    return text + "."


# --------------------------------------------------------------------------- rendering
def _concept_labels() -> dict[str, str]:
    try:
        from course.codes import load_concepts

        return {k: v.get("label", k) for k, v in load_concepts().items() if isinstance(v, dict)}
    except Exception:
        return {}


def _figure_html(fig, caption: str, css_class: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = html.escape(caption)
    return (f'<figure class="progress-figure {css_class}" style="margin:12px 0 18px 0">'
            f'<img src="data:image/png;base64,{data}" alt="{cap}" style="max-width:100%;height:auto"/>'
            f'<figcaption style="font-size:1.05em;margin-top:4px">{cap}</figcaption></figure>')


def dashboard_html(s: dict[str, Any], location: str | None) -> str:
    """The whole dashboard as one HTML fragment (figures embedded as PNG with alt text)."""
    from course.figures import progress as figs

    where = (f"Saved on this computer only, in <code>{html.escape(location)}</code>."
             if location else "Kept in memory for this session only (it cannot be saved on this computer).")
    head = f'<p class="progress-where">{where}</p>'
    nxt = f'<p class="progress-next" style="font-size:1.1em"><strong>What next:</strong> {html.escape(s["next"])}</p>'
    if not s.get("totals", {}).get("events"):
        return ('<div class="progress-dashboard progress-empty">' + head +
                "<p>Nothing yet: as you play vignettes and answer self-check questions, this page "
                "will show which modules you have done, the concepts you have met, and how your "
                "choices develop over time.</p>" + nxt + "</div>")
    labels = _concept_labels()
    parts = ['<div class="progress-dashboard">', head, nxt]
    for fig, caption, cls in (
        (figs.module_completion_figure(s["modules"]), describe_modules(s), "progress-modules"),
        (figs.concepts_figure(s["concepts"], labels), describe_concepts(s, labels), "progress-concepts"),
        (figs.choice_quality_figure(s["by_day"]), describe_choices(s), "progress-choices"),
    ):
        parts.append(_figure_html(fig, caption, cls))
    parts.append("</div>")
    return "".join(parts)


def show_progress() -> None:
    """Display the dashboard for the current learner."""
    from IPython.display import HTML, display

    earlier = progress.take_notices()      # raised inside widget clicks, where output is hidden
    for note in earlier:
        display(HTML(f'<div class="course-notice" role="status">{html.escape(note)}</div>'))
    s = progress.summary()                 # notices raised now are displayed as they happen
    loc = progress.progress_location()
    progress.take_notices()
    display(HTML(dashboard_html(s, str(loc) if loc else None)))
