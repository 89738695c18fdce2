"""The ethics-code lens: the learner's own profession's code first, everywhere the course cites codes.

    choose_lens()                       picker for the start notebook (saved in the progress store)
    get_lens() -> "all" | "aca" | ...   the learner's choice; "all" (show all) by default
    set_lens("APA")                     save a choice (case and "show all" tolerated)
    order_codes(["aca-2014-a5c", "apa-2017-1008a"])  -> the learner's code first, otherwise stable
    your_code("social-media")           a "Your code" box for a topic where the codes differ
    comparison_table("former-client-sexual")  module 5's comparison, the learner's code highlighted

The topics live in course/content/code_differences.yml (checked by `course validate`). The choice
is kept with the learner's progress (course.progress settings), so every notebook reads it; boxes
and tables shown in a notebook re-render when the lens changes in that notebook. A setting that
cannot be read, or holds something unknown, falls back to "show all" with one plain notice.
"""
from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from course import paths
from course.errors import CourseError
from course.validation import Report
from course.yamlio import YamlError, load_yaml

DIFFERENCES_FILE = paths.CONTENT_DIR / "code_differences.yml"
SETTING_KEY = "lens"
ALL = "all"
# value -> (picker label, the code's short name)
LENSES: dict[str, tuple[str, str]] = {
    ALL: ("Show all codes", "all codes"),
    "aca": ("ACA (counselors)", "ACA Code of Ethics"),
    "apa": ("APA (psychologists)", "APA Ethics Code"),
    "nasw": ("NASW (social workers)", "NASW Code of Ethics"),
    "aamft": ("AAMFT (marriage and family therapists)", "AAMFT Code of Ethics"),
    "bacp": ("BACP (UK counselling and psychotherapy)", "BACP Ethical Framework"),
}
CODES = tuple(k for k in LENSES if k != ALL)
TOPIC_FIELDS = ("title", "intro", "codes", "note")
ENTRY_FIELDS = ("text", "cites")
CORRUPT_NOTICE = ("Your choice of ethics code could not be read, so the course shows all codes for now; "
                  "choose your code again in 00_start_here.ipynb to keep it.")


# --------------------------------------------------------------------------- the setting
def _normalize(value) -> str | None:
    """'APA', ' apa ', 'Show all', 'all' -> the stored value; None if it is not a lens."""
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    if v in ("show all", "show all codes", "all codes", "", "none"):
        v = ALL
    return v if v in LENSES else None


def _state():
    """One traitlets object per kernel that widgets observe, so a change re-renders them."""
    global _STATE
    if _STATE is None:
        import traitlets

        class LensState(traitlets.HasTraits):
            lens = traitlets.Unicode(ALL)

        _STATE = LensState()
    return _STATE


_STATE = None


def get_lens() -> str:
    """The learner's code ("aca", "apa", "nasw", "aamft", "bacp") or "all" (the default).
    Read from the store each time, so a choice made in another notebook counts here too."""
    from course import progress

    try:
        raw = progress.get_setting(SETTING_KEY)
    except Exception:     # the store could not be read: never let the lens stop a notebook
        raw = "\0unreadable"
    if raw is None:
        lens = ALL
    else:
        lens = _normalize(raw)
        if lens is None:
            progress._notify("lens-unreadable", CORRUPT_NOTICE)
            lens = ALL
    st = _state()
    if st.lens != lens:
        st.lens = lens     # widgets in this kernel follow a change made elsewhere
    return lens


def set_lens(value: str) -> str:
    """Save the learner's code (e.g. "APA" or "show all") and re-render what shows it."""
    from course import progress

    lens = _normalize(value)
    if lens is None:
        names = ", ".join(k.upper() for k in CODES)
        raise CourseError(f"'{value}' is not one of the codes the course knows.",
                          hint=f"Choose one of {names}, or \"show all\".")
    try:
        progress.set_setting(SETTING_KEY, lens)
    except Exception:
        progress._notify("lens-unsaved", "Your choice of ethics code is used in this notebook but could not be "
                         "saved just now, so other notebooks show all codes.")
    _state().lens = lens
    return lens


def lens_label(lens: str | None = None) -> str:
    return LENSES[lens or get_lens()][0]


def code_of(code_id: str) -> str | None:
    """Which profession's code a codes.yml id belongs to ("aca-2014-a5c" -> "aca")."""
    prefix = str(code_id).split("-", 1)[0]
    return prefix if prefix in CODES else None


def order_codes(code_ids, lens: str | None = None) -> list[str]:
    """The learner's code first; otherwise the order given (a stable sort). Never raises."""
    ids = list(code_ids or [])
    try:
        mine = lens or get_lens()
    except Exception:
        return ids
    if mine == ALL:
        return ids
    return sorted(ids, key=lambda c: 0 if code_of(c) == mine else 1)


# --------------------------------------------------------------------------- the data
@lru_cache(maxsize=None)
def load_differences() -> dict[str, dict]:
    data, _ = load_yaml(DIFFERENCES_FILE)
    return dict((data or {}).get("topics") or {})


def topic(topic_id: str) -> dict:
    t = load_differences().get(topic_id)
    if not isinstance(t, dict):
        known = ", ".join(sorted(load_differences()))
        raise CourseError(f"There is no code-comparison topic called '{topic_id}'.",
                          hint=f"Use one of: {known} (course/content/code_differences.yml).")
    return t


def validate_files(files: list[Path]) -> Report:
    """Check code_differences.yml: every problem as path:line: what; fix."""
    from course.codes import load_codes

    report = Report()
    codes = load_codes()
    for f in files:
        try:
            data, lines = load_yaml(f)
        except YamlError as exc:
            report.add(exc.path, exc.line, exc.message, "fix the YAML syntax")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
            report.add(f, 1, "the file must hold 'topics:', a mapping of topic id -> topic",
                       "see the comment at the top of code_differences.yml")
            continue
        for key in data:
            if key != "topics":
                report.add(f, lines.near((key,)), f"unknown top-level field '{key}'", "keep only 'topics:'")
        for tid, t in data["topics"].items():
            at = ("topics", tid)
            line = lines.near(at)
            if not isinstance(tid, str) or not tid.replace("-", "").isalnum() or tid != tid.lower():
                report.add(f, line, f"topic id '{tid}' is not lowercase-with-hyphens", "rename it, e.g. social-media")
            if not isinstance(t, dict):
                report.add(f, line, f"topic '{tid}' is not a mapping", "give it title, intro and codes")
                continue
            for fld in t:
                if fld not in TOPIC_FIELDS:
                    report.add(f, lines.near(at + (fld,)), f"topic '{tid}' has an unknown field '{fld}'",
                               f"use only {', '.join(TOPIC_FIELDS)}")
            for fld in ("title", "intro"):
                if not isinstance(t.get(fld), str) or not t.get(fld, "").strip():
                    report.add(f, line, f"topic '{tid}' has no '{fld}'", f"add '{fld}:' with a sentence of text")
            entries = t.get("codes")
            if not isinstance(entries, dict) or len(entries) < 2:
                report.add(f, lines.near(at + ("codes",)), f"topic '{tid}' needs at least two codes under 'codes:'",
                           f"add entries keyed {', '.join(CODES)} (a topic is about where codes differ)")
                continue
            for code, e in entries.items():
                eat = at + ("codes", code)
                eline = lines.near(eat)
                if code not in CODES:
                    report.add(f, eline, f"'{code}' in topic '{tid}' is not a code the lens knows",
                               f"use one of: {', '.join(CODES)}")
                    continue
                if not isinstance(e, dict):
                    report.add(f, eline, f"'{code}' in topic '{tid}' is not a mapping", "give it 'text:' and 'cites:'")
                    continue
                for fld in e:
                    if fld not in ENTRY_FIELDS:
                        report.add(f, lines.near(eat + (fld,)), f"'{code}' in topic '{tid}' has an unknown field '{fld}'",
                                   "use only text and cites")
                if not isinstance(e.get("text"), str) or not e.get("text", "").strip():
                    report.add(f, lines.near(eat + ("text",)), f"'{code}' in topic '{tid}' has no 'text'",
                               "add 'text:' in our own words")
                cites = e.get("cites")
                if not isinstance(cites, list) or not cites:
                    report.add(f, lines.near(eat + ("cites",)), f"'{code}' in topic '{tid}' cites nothing",
                               "add 'cites: [id, ...]' with ids from course/content/codes.yml")
                    continue
                for i, cid in enumerate(cites):
                    cline = lines.near(eat + ("cites", i))
                    if cid not in codes:
                        report.add(f, cline, f"'{code}' in topic '{tid}' cites '{cid}', which is not in codes.yml",
                                   "use an id from course/content/codes.yml, or add the citation there first")
                    elif code_of(cid) != code:
                        report.add(f, cline, f"'{code}' in topic '{tid}' cites '{cid}', which belongs to another code",
                                   f"cite a {code}-... id here, or move the text under '{code_of(cid)}'")
            report.count("code-difference topics")
    return report


# --------------------------------------------------------------------------- rendering
def _e(s) -> str:
    return html.escape(str(s), quote=True)


def _code_name(entry: dict, code: str) -> str:
    from course.codes import code_entry

    try:
        first = code_entry(entry["cites"][0])
        return f"{first['code']} ({first['version']})"
    except Exception:
        return LENSES[code][1]


def _sections(entry: dict) -> str:
    from course.codes import code_entry

    out = []
    for cid in entry.get("cites", []):
        try:
            out.append(str(code_entry(cid)["section"]))
        except Exception:
            continue
    return ", ".join(out)


def _entry_html(code: str, entry: dict) -> str:
    return (f'<p style="margin:4px 0"><strong>{_e(_code_name(entry, code))}, {_e(_sections(entry))}:</strong> '
            f"{_e(entry['text'])}</p>")


BOX_STYLE = "border:2px solid #1d4ed8;border-radius:6px;background:#f8fafc;padding:8px 12px;color:#111;margin:6px 0"


def your_code_html(topic_id: str, lens: str | None = None) -> str:
    """The "Your code" box for a topic, for the given lens (default: the learner's)."""
    t = topic(topic_id)
    mine = lens or get_lens()
    entries = t["codes"]
    head = f'<div class="course-lens-box" data-lens="{_e(mine)}" role="note" style="{BOX_STYLE}">'
    title = f'<div style="font-weight:600">Your code: {_e(t["title"])}</div>'
    intro = f'<p style="margin:4px 0">{_e(t["intro"])}</p>'
    note = f'<p style="margin:4px 0;color:#374151"><em>{_e(t["note"])}</em></p>' if t.get("note") else ""
    if mine == ALL:
        body = "".join(_entry_html(c, e) for c, e in entries.items())
        hint = ('<p style="margin:4px 0;color:#374151">Showing every code. To see your own profession\'s '
                "code first, choose it in <strong>00_start_here.ipynb</strong>.</p>")
        return head + title + intro + body + note + hint + "</div>"
    if mine in entries:
        yours = ('<div class="course-lens-mine" style="border-left:4px solid #1d4ed8;padding-left:8px">'
                 f"{_entry_html(mine, entries[mine])}</div>")
        others_items = [(c, e) for c, e in entries.items() if c != mine]
    else:
        yours = (f'<div class="course-lens-mine" style="border-left:4px solid #1d4ed8;padding-left:8px">'
                 f'<p style="margin:4px 0">The course has not checked what the {_e(LENSES[mine][1])} says on this; '
                 "read it in the official text. The codes it has checked are below.</p></div>")
        others_items = list(entries.items())
    others = "".join(_entry_html(c, e) for c, e in others_items)
    more = (f"<details><summary>How the other codes compare</summary>{others}</details>" if others else "")
    return head + title + intro + yours + more + note + "</div>"


def comparison_table_html(topic_id: str, lens: str | None = None) -> str:
    """A table of every code's position on a topic; the learner's row is marked (not by colour alone)."""
    t = topic(topic_id)
    mine = lens or get_lens()
    caption = (f"{_e(t['title'])}: {_e(LENSES[mine][1])} highlighted" if mine != ALL
               else f"{_e(t['title'])}: all codes (choose yours in 00_start_here.ipynb to highlight it)")
    rows = []
    for code, e in t["codes"].items():
        is_mine = code == mine
        style = ' style="background:#dbeafe;font-weight:600;outline:2px solid #1d4ed8"' if is_mine else ""
        cls = "course-lens-row course-lens-row-mine" if is_mine else "course-lens-row"
        marker = ' <span class="course-lens-marker">(your code)</span>' if is_mine else ""
        rows.append(f'<tr class="{cls}" data-code="{_e(code)}"{style}>'
                    f"<th scope=\"row\" style=\"text-align:left\">{_e(_code_name(e, code))}, {_e(_sections(e))}{marker}</th>"
                    f'<td style="text-align:left">{_e(e["text"])}</td></tr>')
    if mine != ALL and mine not in t["codes"]:
        rows.append(f'<tr class="course-lens-row course-lens-row-mine"><th scope="row" style="text-align:left">'
                    f"{_e(LENSES[mine][1])} (your code)</th><td style=\"text-align:left\">Not checked by the course; "
                    "read the official text.</td></tr>")
    return (f'<table class="course-lens-table" data-lens="{_e(mine)}" style="border-collapse:collapse">'
            f'<caption style="text-align:left;font-weight:600">{caption}</caption>'
            '<thead><tr><th scope="col" style="text-align:left">Code</th>'
            '<th scope="col" style="text-align:left">What it says</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _live(render, topic_id: str, css: str):
    """An HTML widget that re-renders whenever the lens changes in this kernel."""
    import ipywidgets as widgets

    topic(topic_id)                       # an unknown topic is a plain error now, not later
    out = widgets.HTML(value=render(topic_id))
    out.add_class(css)

    def _changed(change):
        try:
            out.value = render(topic_id, change["new"])
        except Exception:                 # pragma: no cover - keep the notebook usable
            pass

    _state().observe(_changed, names="lens")
    out._lens_observer = _changed         # keep a handle (tests, and to stop observing)
    return out


def your_code(topic_id: str):
    """Show the "Your code" box for a topic; it follows the lens."""
    return _live(your_code_html, topic_id, "course-your-code")


def comparison_table(topic_id: str):
    """Show every code's position on a topic with the learner's code highlighted; it follows the lens."""
    return _live(comparison_table_html, topic_id, "course-comparison")


def choose_lens():
    """The picker for the start notebook: the learner's profession's code, or show all."""
    import ipywidgets as widgets

    from course import progress

    current = get_lens()
    picker = widgets.RadioButtons(options=[(label, key) for key, (label, _) in LENSES.items()], value=current,
                                  description="Your code:", style={"description_width": "initial"},
                                  layout=widgets.Layout(width="auto"))
    picker.add_class("course-lens-picker")
    status = widgets.HTML()
    status.add_class("course-lens-status")

    def _say(lens: str, saved: bool) -> None:
        # a notice raised inside a click is not displayed by Jupyter: show it here (at first
        # display, notices have already been shown in the cell's output)
        extra = "".join(f"<p>{html.escape(n)}</p>" for n in progress.take_notices()) if saved else ""
        if lens == ALL:
            what = "The course shows every code side by side."
        else:
            what = (f"The course now shows the {_e(LENSES[lens][1])} first: in feedback, in the "
                    "“Your code” boxes and in module 5's comparison table.")
        lead = "Saved. " if saved else ""
        status.value = (f"<p role='status'>{lead}{what} You can change it here at any time; your progress "
                        f"is not affected.</p>{extra}")

    def _changed(change):
        if change.get("new") is None:
            return
        _say(set_lens(change["new"]), saved=True)

    picker.observe(_changed, names="value")

    def _follow(change):             # a change made elsewhere in this kernel moves the picker too
        if picker.value != change["new"]:
            picker.value = change["new"]

    _state().observe(_follow, names="lens")
    _say(current, saved=False)
    return widgets.VBox([picker, status])
