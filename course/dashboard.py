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


# --------------------------------------------------------------------------- "Mark module N complete"
def _module_entry(module) -> tuple[str, dict[str, Any]]:
    """(module id, its catalog entry) for a number (1) or an id ("frame"); CourseError if unknown."""
    from course.errors import CourseError

    cat = progress.catalog()
    for mid, m in cat.items():
        if module == mid or (not isinstance(module, bool) and str(module).strip() == str(m.get("number"))):
            return mid, m
    numbers = ", ".join(str(m.get("number")) for m in cat.values())
    raise CourseError(f"There is no module {module!r} in this course.",
                      hint=f"Use the module's number, e.g. mark_complete(1). Modules: {numbers}.")


def todo_text(m: dict[str, Any], catalog_: dict[str, dict[str, Any]] | None = None) -> str:
    """What is left in a module, in words: 'play “X” and answer 3 self-check questions'."""
    titles = (catalog_ or {}).get(m["id"], {}).get("vignettes", {})
    parts = []
    if m["vignettes_todo"]:
        names = [f"\u201c{titles.get(v, v.split('/', 1)[-1].replace('-', ' '))}\u201d" for v in m["vignettes_todo"]]
        parts.append("play " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
                     + " to an ending")
    n = len(m["questions_todo"])
    if n:
        parts.append(f"answer {n} more self-check question{'s' if n != 1 else ''}")
    return " and ".join(parts)


def _status_line(m: dict[str, Any], catalog_) -> str:
    done, total = m["items_done"], m["items_total"]
    if m["complete"]:
        return f"Module {m['number']}: everything done ({done} of {total})."
    left = todo_text(m, catalog_)
    return (f"Module {m['number']} so far: {done} of {total} done. To complete it, {left}."
            if left else f"Module {m['number']} so far: {done} of {total} done.")


class MarkComplete:
    """The "Mark module N complete" button. It applies the course's one completion rule: a module
    is complete when every vignette has reached an ending and every self-check question has an
    answer (right or wrong). Pressed before that, it records nothing and says what is left; pressed
    after, it records `module.complete` once. Running the cell never records anything."""

    def __init__(self, module):
        import ipywidgets as w

        self.module_id, entry = _module_entry(module)
        self.number = entry.get("number")
        self.catalog = progress.catalog()
        nxt = self._next_notebook()
        self.next_hint = f" Next: <strong>{html.escape(nxt)}</strong>." if nxt else ""
        self.button = w.Button(description=f"Mark module {self.number} complete", button_style="success",
                               tooltip=f"Record that you have finished module {self.number}",
                               layout=w.Layout(width="auto"))
        self.button.add_class("module-complete")
        self.note = w.HTML()
        self.note.add_class("module-complete-note")
        self.button.on_click(lambda _b: self.press())
        self.widget = w.VBox([self.button, self.note])
        self.widget.add_class("module-complete-box")

    def _next_notebook(self) -> str:
        ids = list(self.catalog)
        i = ids.index(self.module_id) if self.module_id in ids else -1
        if 0 <= i < len(ids) - 1:
            return str(self.catalog[ids[i + 1]].get("notebook") or "")
        return "99_my_progress.ipynb"

    def status(self) -> dict[str, Any]:
        s = progress.summarize(progress.current_events(), self.catalog)
        return next(m for m in s["modules"] if m["id"] == self.module_id)

    def press(self) -> bool:
        """What a click does; True when the module is (now) recorded complete."""
        m = self.status()
        if not m["complete"] and m["items_total"]:
            self.note.value = ("<p role='status'><strong>Not complete yet.</strong> "
                               + html.escape(_status_line(m, self.catalog))
                               + " Nothing was recorded; press the button again when you have done that.</p>")
            return False
        from course.recorder import record

        record("module.complete", self.module_id, self.module_id)
        self.button.disabled = True
        self.note.value = (f"<p role='status'>Module {self.number} is marked complete. Well done.{self.next_hint}</p>")
        notes = progress.take_notices()
        if notes:
            self.note.value += "".join(f"<p class='course-notice'>{html.escape(n)}</p>" for n in notes)
        return True

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def mark_complete(module) -> MarkComplete:
    """The "Mark module N complete" button for a notebook's last cell: `mark_complete(1)`."""
    return MarkComplete(module)
