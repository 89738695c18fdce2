"""A case: several vignette episodes of one counseling relationship, with case notes.

    from course.case import play_episode, case_note, case_summary
    play_episode("capstone/the-first-hour")     # plays episode 1; earlier episodes' flags carried in
    case_note("capstone/the-first-hour")        # progress note + question for supervision, then a model note
    case_summary("hala-and-tamsin")             # everything written, as Markdown or HTML to download

The case file `course/content/cases/<case-id>.yml` lists the episodes in order with a model note
and a model supervision question for each (format below, checked by `course validate`). What an
episode's path set (its flags) and what the learner wrote are recorded in the progress store as
`case.state` and `case.note` events, so a kernel restart or another day keeps them, `course
progress --export` includes them and `course progress --forget` erases them.

Case file:
    id: hala-and-tamsin                 # = file name
    title: "..."
    client: "Hala Mansour"
    counselor: "Tamsin Oduya"
    setting: "..."
    episodes:
      - vignette: capstone/the-first-hour   # a vignette whose case.id is this case
        when: "Week 1, September"           # when it happens, for the summary
        note_hint: "..."                    # what a progress note for this session should cover
        model_note: "..."
        model_question: "..."
"""
from __future__ import annotations

import base64
import html
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets

from course import paths
from course.errors import CourseError
from course.recorder import get_recorder, record
from course.scenes import Walk, load_vignette, read_content_file
from course.validation import Report
from course.yamlio import YamlError

CASES_DIR = paths.CONTENT_DIR / "cases"
CASE_KEYS = {"id", "title", "client", "counselor", "setting", "episodes"}
EPISODE_KEYS = {"vignette", "when", "note_hint", "model_note", "model_question"}
MAX_NOTE_CHARS = 6000

_CSS = """<style>
.case-box { max-width: 820px; font-size: 15px; line-height: 1.5; color: #111827; }
.case-box .cb-panel { border-radius: 6px; padding: 10px 14px; margin: 6px 0; }
.case-box .cb-carried { background: #f0f9ff; border-left: 4px solid #0369a1; }
.case-box .cb-model { background: #f0fdf4; border-left: 4px solid #15803d; }
.case-box .cb-warn { background: #fff7ed; border-left: 4px solid #c2410c; }
.case-box textarea { font-size: 14px; }
.case-box .cb-download { display: inline-block; padding: 6px 12px; margin: 4px 8px 4px 0; border-radius: 4px;
  background: #1d4ed8; color: #fff !important; text-decoration: none; font-weight: 600; }
</style>"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


# ------------------------------------------------------------------------------------------
# The case file
# ------------------------------------------------------------------------------------------
def validate_files(files: list[Path]) -> Report:
    """Check case files (`course validate`); every problem as path:line: what; fix."""
    report = Report()
    for f in files:
        f = Path(f)
        try:
            _check_case(f, report)
        except Exception as exc:  # a validator never crashes on bad input
            report.add(f, 1, f"the file could not be checked ({type(exc).__name__}: {exc})",
                       "report this to the course maintainers along with the file")
    return report


def _check_case(f: Path, report: Report) -> dict | None:
    try:
        data, lines = read_content_file(f)
    except YamlError as exc:
        report.add(exc.path, exc.line, exc.message, "fix the YAML, then run course validate again")
        return None
    if not isinstance(data, dict):
        report.add(f, 1, "a case file must be a block of fields (id, title, episodes, ...)",
                   "start from course/content/cases/hala-and-tamsin.yml")
        return None
    report.count("cases")
    n_before = len(report.problems)
    for k in data:
        if k not in CASE_KEYS:
            report.add(f, lines.near((k,)), f"the case has an unknown field '{k}'", f"use only: {', '.join(sorted(CASE_KEYS))}")
    for k in ("id", "title", "client", "counselor", "setting"):
        if not isinstance(data.get(k), str) or not data[k].strip():
            report.add(f, lines.near((k,)), f"the case has no '{k}'", f"add '{k}:' as text")
    if isinstance(data.get("id"), str) and data["id"] != f.stem:
        report.add(f, lines.near(("id",)), f"the case id '{data['id']}' does not match the file name '{f.name}'",
                   f"rename the file to {data['id']}.yml or set id: {f.stem}")
    eps = data.get("episodes")
    if not isinstance(eps, list) or not eps:
        report.add(f, lines.near(("episodes",)), "the case has no episodes", "list them under 'episodes:' in order")
        return None
    for i, ep in enumerate(eps):
        kp = ("episodes", i)
        where = f"episode {i + 1}"
        if not isinstance(ep, dict):
            report.add(f, lines.near(kp), f"{where} must be a block", "give it vignette, when, note_hint, model_note, model_question")
            continue
        for k in ep:
            if k not in EPISODE_KEYS:
                report.add(f, lines.near(kp + (k,)), f"{where} has an unknown field '{k}'",
                           f"use only: {', '.join(sorted(EPISODE_KEYS))}")
        for k in sorted(EPISODE_KEYS):
            if not isinstance(ep.get(k), str) or not ep[k].strip():
                report.add(f, lines.near(kp + (k,)), f"{where} has no '{k}'", f"add '{k}:' as text")
        ref = ep.get("vignette")
        if isinstance(ref, str) and ref.strip():
            try:
                v = load_vignette(ref)
            except CourseError as exc:
                report.add(f, lines.near(kp + ("vignette",)), f"{where} names a vignette that cannot be played ({exc.message.splitlines()[0]})",
                           "give the '<module>/<id>' of a valid vignette")
                continue
            if v.case != data.get("id") or v.episode != i + 1:
                report.add(f, lines.near(kp + ("vignette",)),
                           f"{where} names {ref}, whose case block says case '{v.case}', episode {v.episode}",
                           f"set case: id: {data.get('id')} and episode: {i + 1} in that vignette, or reorder the list")
    return data if len(report.problems) == n_before else None


def load_case(case_id: str) -> dict:
    """The case file, checked; CourseError with the problems if it has any."""
    f = CASES_DIR / f"{case_id}.yml"
    if not f.is_file():
        known = ", ".join(sorted(p.stem for p in CASES_DIR.glob("*.yml"))) or "none"
        raise CourseError(f"There is no case called '{case_id}'.", hint=f"Cases: {known}.")
    report = Report()
    data = _check_case(f, report)
    if data is None:
        listing = "\n".join(f"  {p}" for p in report.problems)
        raise CourseError(f"The case file {f.name} has problems:\n{listing}\n", hint=f"Run `course validate {f}`.")
    return data


def _episode_of(ref: str) -> tuple[dict, dict, int]:
    """(case data, the episode's entry, episode number) for a vignette ref."""
    v = load_vignette(ref)
    if not v.case:
        raise CourseError(f"The vignette '{ref}' is not an episode of a case.",
                          hint="Use play() for a single vignette; play_episode() is for the capstone's episodes.")
    case = load_case(v.case)
    return case, case["episodes"][v.episode - 1], v.episode


def _events():
    from course.progress import _events_of

    return _events_of(get_recorder())


# ------------------------------------------------------------------------------------------
# Playing an episode
# ------------------------------------------------------------------------------------------
class EpisodeView(widgets.VBox):
    """What `play_episode` shows: what this case remembers from earlier episodes, then the player.
    `player` is the VignettePlayer; `carried` the flags brought in."""

    def __init__(self, vignette, carried: set[str], mode: str, played: int = 0):
        from course.player import VignettePlayer

        super().__init__()
        self.add_class("case-box")
        self.add_class("case-episode")
        self.vignette = vignette
        self.carried = set(carried)
        self.played = played          # how many earlier episodes have been played to an ending
        walk = Walk(vignette, flags=self.carried)
        walk.listeners.append(self._on_move)
        self.memory = widgets.HTML(_CSS + self._memory_html())
        self.memory.add_class("case-memory")
        self.player = VignettePlayer(vignette, mode=mode, walk=walk)
        self._recorded: tuple | None = None
        self.children = [self.memory, self.player]

    def _memory_html(self) -> str:
        v = self.vignette
        if v.episode == 1:
            return ""
        from course.scenes import _load_quietly

        described: list[str] = []
        for other in sorted(Path(v.path).parent.glob("*.yml")):
            ov = _load_quietly(other)
            if ov is None or ov.case != v.case or (ov.episode or 0) >= (v.episode or 0):
                continue
            described += [ov.flags[f] for f in ov.flags if f in self.carried and ov.flags[f]]
        if described:
            items = "".join(f"<li>{_e(d)}</li>" for d in described)
            body = f"<strong>Earlier in this case</strong> (from the paths you took):<ul>{items}</ul>"
        elif self.played:
            body = ("<strong>Earlier in this case:</strong> your paths through the earlier episodes left nothing "
                    "that this one picks up. Replay an earlier episode along another path, then run this cell again, "
                    "to see what changes.")
        else:
            body = ("<strong>Earlier in this case:</strong> nothing from earlier sessions shapes this one yet. "
                    "If you have not played the earlier episodes, play them first: what you chose there changes "
                    "what happens here.")
        return f'<div class="cb-panel cb-carried" role="note">{body}</div>'

    def _on_move(self, walk: Walk) -> None:
        if not walk.is_ending:
            return
        key = (tuple(walk.path), tuple(walk.flags_set))
        if key == self._recorded:
            return
        self._recorded = key
        v = self.vignette
        record("case.state", v.module, v.id, case=v.case, episode=v.episode, vignette=v.ref,
               flags=walk.flags_set, ending=walk.current, outcome=walk.ending.outcome)


def play_episode(ref: str, mode: str = "solo") -> EpisodeView:
    """Play one episode of a case, carrying in the flags of the latest path through each earlier
    episode (from the progress store)."""
    from course.player import MODES
    from course.progress import case_flags, case_states

    wanted = mode.strip().lower() if isinstance(mode, str) else mode
    if wanted not in MODES:
        raise CourseError(f"There is no player mode called {mode!r}.",
                          hint='Use mode="solo" (the default) or mode="discussion", in quotes.')
    v = load_vignette(ref)
    if not v.case:
        raise CourseError(f"The vignette '{ref}' is not an episode of a case.",
                          hint="Use play() for a single vignette.")
    events = _events()
    carried = case_flags(events, v.case, before_episode=v.episode)
    played = sum(1 for ep in case_states(events, v.case) if ep < v.episode)
    return EpisodeView(v, carried, wanted, played=played)


# ------------------------------------------------------------------------------------------
# Case notes
# ------------------------------------------------------------------------------------------
class CaseNote(widgets.VBox):
    """A progress note and a question for supervision for one episode; the model note appears
    once the learner's own note is saved. Attributes for tests: note, question, save, status, model."""

    def __init__(self, ref: str):
        super().__init__()
        self.add_class("case-box")
        self.add_class("case-note")
        self.case, self.entry, self.episode = _episode_of(ref)
        self.vignette = load_vignette(ref)
        from course.progress import case_notes

        saved = case_notes(_events(), self.case["id"]).get(self.episode)
        head = widgets.HTML(_CSS + f'<h4 style="margin:6px 0">Case notes after episode {self.episode}: '
                            f'{_e(self.vignette.title)}</h4><p>{_e(self.entry["note_hint"])}</p>'
                            '<p class="vp-muted" style="color:#4b5563;font-size:13px">Write about the client and the '
                            'session as the counselor would, not about yourself. Saved on this computer only.</p>')
        # continuous_update=False: the whole text reaches the kernel when the focus leaves the box, before
        # the click on Save (keystroke updates can be held back while the kernel is busy; a click is not)
        self.note = widgets.Textarea(value=(saved or {}).get("note", ""), placeholder="Progress note (3-8 sentences)",
                                     continuous_update=False,
                                     description="Progress note:", style={"description_width": "initial"},
                                     layout=widgets.Layout(width="100%", height="140px"))
        self.note.add_class("case-note-text")
        self.question = widgets.Textarea(value=(saved or {}).get("question", ""), continuous_update=False,
                                         placeholder="One question you would bring to supervision",
                                         description="Question for supervision:", style={"description_width": "initial"},
                                         layout=widgets.Layout(width="100%", height="70px"))
        self.question.add_class("case-note-question")
        self.save = widgets.Button(description="Save my note", button_style="primary",
                                   tooltip="Save the note and the question, then see a model note")
        self.save.add_class("case-note-save")
        self.save.on_click(self._on_save)
        self.status = widgets.HTML()
        self.status.add_class("case-note-status")
        self.model = widgets.HTML()
        self.model.add_class("case-note-model")
        if saved:
            self.status.value = f'<p role="status">Saved {_e(_when(saved.get("at")))}. Edit and save again at any time.</p>'
            self._show_model()
        self.children = [head, self.note, self.question, self.save, self.status, self.model]

    def _show_model(self) -> None:
        self.model.value = (f'<div class="cb-panel cb-model" role="note"><strong>A model note</strong> (one good way '
                            f'to write it, not the only one)<p>{_e(self.entry["model_note"])}</p>'
                            f'<strong>A question worth bringing to supervision</strong><p>{_e(self.entry["model_question"])}</p>'
                            "<p>Compare: what did your note record that this one leaves out, and the reverse? "
                            "Does your note describe what happened, or interpret it?</p></div>")

    def _on_save(self, _b=None) -> None:
        note, question = self.note.value.strip(), self.question.value.strip()
        if not note:
            self.status.value = ('<div class="cb-panel cb-warn" role="status">Write your progress note first '
                                 '(a few sentences are enough); the model note appears after you save yours.</div>')
            return
        if len(note) + len(question) > MAX_NOTE_CHARS:
            self.status.value = (f'<div class="cb-panel cb-warn" role="status">That is longer than a progress note '
                                 f'needs to be (at most {MAX_NOTE_CHARS} characters); shorten it and save again.</div>')
            return
        v = self.vignette
        record("case.note", v.module, v.id, case=self.case["id"], episode=self.episode, vignette=v.ref,
               note=note, question=question)
        from course.progress import take_notices

        extra = "".join(f"<p>{_e(n)}</p>" for n in take_notices())
        self.status.value = (f'<p role="status">Saved at {datetime.now().strftime("%H:%M")}. '
                             f"It will be in your case summary.</p>{extra}")
        self._show_model()


def case_note(ref: str) -> CaseNote:
    """The note-taking box for one episode."""
    return CaseNote(ref)


def _when(at) -> str:
    try:
        return datetime.fromisoformat(str(at)).astimezone().strftime("%d %b %Y, %H:%M")
    except (TypeError, ValueError):
        return "earlier"


# ------------------------------------------------------------------------------------------
# The case summary
# ------------------------------------------------------------------------------------------
def summary_data(case_id: str, events=None) -> dict:
    """Everything the summary shows, from the progress store: per episode the ending reached, what
    the path set, and the learner's note and question."""
    from course.progress import case_notes, case_states

    case = load_case(case_id)
    events = _events() if events is None else events
    states, notes = case_states(events, case_id), case_notes(events, case_id)
    out = {"id": case["id"], "title": case["title"], "client": case["client"], "counselor": case["counselor"],
           "setting": case["setting"], "episodes": []}
    for i, entry in enumerate(case["episodes"], start=1):
        v = load_vignette(entry["vignette"])
        st, nt = states.get(i) or {}, notes.get(i) or {}
        ending = v.scenes.get(st.get("ending", "")) if st else None
        out["episodes"].append({
            "number": i, "title": _short_title(v.title), "when": entry["when"],
            "played": bool(st), "outcome": st.get("outcome"),
            "ending_summary": ending.ending.summary if ending is not None and ending.is_ending else None,
            "remembered": [v.flags[f] for f in st.get("flags") or [] if f in v.flags],
            "note": nt.get("note", ""), "question": nt.get("question", ""),
        })
    return out


def _short_title(title: str) -> str:
    """'Episode 2: A tin of ma'amoul' -> 'A tin of ma'amoul' (the summary numbers episodes itself)."""
    import re

    return re.sub(r"^Episode \d+:\s*", "", title)


def summary_markdown(data: dict) -> str:
    lines = [f"# Case summary: {data['title']}", "",
             f"*Client:* {data['client']}  ", f"*Counselor:* {data['counselor']}  ", f"*Setting:* {data['setting']}", "",
             "A fictional case from the course *The Therapeutic Relationship*. The notes are mine, written as the "
             "counselor; nothing here is about a real person.", ""]
    for ep in data["episodes"]:
        lines += [f"## Episode {ep['number']}: {ep['title']} ({ep['when']})", ""]
        if ep["played"]:
            lines.append(f"**How my path ended:** {ep['outcome']}. {ep['ending_summary'] or ''}".rstrip())
            if ep["remembered"]:
                lines += ["", "**What this path carried forward:**"] + [f"- {r}" for r in ep["remembered"]]
        else:
            lines.append("*Not played yet.*")
        lines += ["", "**Progress note:**", "", ep["note"] or "*No note written yet.*", "",
                  "**Question for supervision:**", "", ep["question"] or "*No question written yet.*", ""]
    lines += ["## For the seminar", "",
              "Across the episodes: where did transference, countertransference, power and the ending meet in "
              "this one relationship? Which early decision mattered most later?", ""]
    return "\n".join(lines)


def summary_html(data: dict) -> str:
    parts = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
             f"<title>Case summary: {_e(data['title'])}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:780px;margin:2em auto;line-height:1.5;color:#111}"
             "h2{border-top:1px solid #ccc;padding-top:.6em}.muted{color:#555}</style></head><body>",
             f"<h1>Case summary: {_e(data['title'])}</h1>",
             f"<p><em>Client:</em> {_e(data['client'])}<br><em>Counselor:</em> {_e(data['counselor'])}<br>"
             f"<em>Setting:</em> {_e(data['setting'])}</p>",
             '<p class="muted">A fictional case from the course <em>The Therapeutic Relationship</em>. The notes are '
             "mine, written as the counselor; nothing here is about a real person.</p>"]
    for ep in data["episodes"]:
        parts.append(f"<h2>Episode {ep['number']}: {_e(ep['title'])} ({_e(ep['when'])})</h2>")
        if ep["played"]:
            parts.append(f"<p><strong>How my path ended:</strong> {_e(ep['outcome'])}. {_e(ep['ending_summary'] or '')}</p>")
            if ep["remembered"]:
                parts.append("<p><strong>What this path carried forward:</strong></p><ul>"
                             + "".join(f"<li>{_e(r)}</li>" for r in ep["remembered"]) + "</ul>")
        else:
            parts.append('<p class="muted"><em>Not played yet.</em></p>')
        note = "".join(f"<p>{_e(p)}</p>" for p in ep["note"].split("\n\n")) if ep["note"] else \
            '<p class="muted"><em>No note written yet.</em></p>'
        question = f"<p>{_e(ep['question'])}</p>" if ep["question"] else '<p class="muted"><em>No question written yet.</em></p>'
        parts.append(f"<h3>Progress note</h3>{note}<h3>Question for supervision</h3>{question}")
    parts.append("<h2>For the seminar</h2><p>Across the episodes: where did transference, countertransference, power "
                 "and the ending meet in this one relationship? Which early decision mattered most later?</p></body></html>")
    return "".join(parts)


def _data_link(text: str, mime: str, filename: str, label: str, css: str) -> str:
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (f'<a class="cb-download {css}" download="{_e(filename)}" href="data:{mime};charset=utf-8;base64,{payload}">'
            f"{_e(label)}</a>")


class CaseSummary(widgets.VBox):
    """The case summary with download links; `refresh` rebuilds it from the progress store."""

    def __init__(self, case_id: str):
        super().__init__()
        self.add_class("case-box")
        self.add_class("case-summary")
        self.case_id = case_id
        load_case(case_id)   # fail early, in plain words, for a wrong id
        self.refresh_button = widgets.Button(description="Build my case summary", button_style="primary",
                                             tooltip="Collect your notes and paths from every episode")
        self.refresh_button.add_class("case-summary-refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.links = widgets.HTML()
        self.links.add_class("case-summary-links")
        self.preview = widgets.HTML()
        self.preview.add_class("case-summary-preview")
        self.markdown = self.html = ""
        self.children = [self.refresh_button, self.links, self.preview]
        self.refresh()

    def refresh(self) -> None:
        data = summary_data(self.case_id)
        self.markdown, self.html = summary_markdown(data), summary_html(data)
        n_notes = sum(1 for ep in data["episodes"] if ep["note"])
        n_played = sum(1 for ep in data["episodes"] if ep["played"])
        total = len(data["episodes"])
        self.links.value = (_CSS + f'<p role="status">{n_played} of {total} episodes played, {n_notes} of {total} notes '
                            "written. Download the summary to bring to your seminar (it stays on your computer until "
                            "you share it):</p>"
                            + _data_link(self.markdown, "text/markdown", f"case-summary-{self.case_id}.md",
                                         "Download as Markdown (.md)", "cb-md")
                            + _data_link(self.html, "text/html", f"case-summary-{self.case_id}.html",
                                         "Download as HTML (.html)", "cb-html"))
        body = self.html.split("<body>", 1)[1].rsplit("</body>", 1)[0]
        self.preview.value = (f'<details><summary>Preview the summary</summary><div style="border:1px solid #d1d5db;'
                              f'padding:8px 14px;border-radius:6px">{body}</div></details>')


def case_summary(case_id: str) -> CaseSummary:
    """The case summary of everything you wrote and chose, to download as Markdown or HTML."""
    return CaseSummary(case_id)
