"""Printable seminar handouts: one HTML page per module, and a facilitator copy.

    course handouts transference                 # writes handouts/transference-handout.html
                                                 #    and handouts/transference-facilitator.html
    build_handout("transference", facilitator=False)   # the page as a string

A handout holds, for every vignette of the module: a case summary, every scene's text and the
choices (lettered as on the projector for the same session, so the paper and the screen agree),
with where each choice leads but WITHOUT feedback; triad line cards (client, counselor, observer
with a checklist); and the module's discussion questions (from its facilitator guide). The
facilitator copy adds each choice's quality and feedback, the ethics codes it cites, every
ending's outcome and summary, and what a strong answer to each question touches.

The page is self-contained: no script, no web fonts, no links to fetch, so it opens and prints
offline. Everything from the content files is escaped with html.escape; the one piece that is
Markdown (the guide's discussion questions) is rendered with nbconvert's renderer and cleaned with
the course's nh3 sanitizer (course.grading.sanitize.clean_html).
"""
from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

import yaml

from course import paths
from course.codes import cite, concept_label, load_concepts
from course.errors import CourseError
from course.lens import order_codes
from course.player import LETTERS, QUALITY_STYLE, order_seed, shuffled_order
from course.scenes import Scene, Vignette, load_vignette

_CSS = """
:root { color-scheme: light; }
body { font-family: Georgia, "Times New Roman", serif; font-size: 12pt; line-height: 1.45; color: #111;
  max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin: 0 0 .2em; }
h2 { font-size: 16pt; margin: 1.2em 0 .3em; border-bottom: 2px solid #333; }
h3 { font-size: 13pt; margin: 1em 0 .3em; }
.meta, .muted { color: #444; font-size: 10.5pt; }
.box { border: 1px solid #666; border-radius: 4px; padding: .5em .8em; margin: .5em 0; }
.note { border-left: 5px solid #b45309; }
.scene { border-top: 1px solid #999; padding-top: .4em; margin-top: .8em; }
.line { margin: .25em 0; }
.narration { font-style: italic; }
ol.choices { list-style: none; padding-left: 0; }
ol.choices li { margin: .35em 0; padding-left: 1.8em; text-indent: -1.8em; }
.fb { margin: .2em 0 .5em 1.8em; padding: .3em .6em; border-left: 4px solid #666; background: #f6f6f6;
  text-indent: 0; }
.card { border: 2px dashed #333; padding: .6em .9em; margin: .8em 0; break-inside: avoid; }
.card h4 { margin: 0 0 .3em; font-size: 12pt; }
.check li { list-style: none; margin: .2em 0; }
.check li::before { content: "\\2610\\00a0"; font-size: 14pt; }
.toc a { color: inherit; }
section.vignette { break-before: page; }
@page { size: auto; margin: 18mm 16mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .noprint { display: none; }
  h2, h3, h4 { break-after: avoid; }
  .scene, .box, li { break-inside: avoid; }
}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def module_info(module: str) -> dict:
    modules = yaml.safe_load((paths.CONTENT_DIR / "modules.yml").read_text(encoding="utf-8")) or []
    for m in modules:
        if m.get("id") == module:
            return m
    known = ", ".join(str(m.get("id")) for m in modules)
    raise CourseError(f"There is no module called {module!r}.", hint=f"Use one of: {known}.")


def module_vignettes(module: str) -> list[Vignette]:
    folder = paths.VIGNETTES_DIR / module
    found = [load_vignette(str(p)) for p in sorted(folder.glob("*.yml"))]
    return sorted(found, key=lambda v: (v.episode or 0, v.title.lower()))


def scene_order(v: Vignette) -> list[str]:
    """Scenes in reading order: the start(s) first, then by distance from the start, file order
    within a layer; scenes no path reaches come last."""
    depth = v.depths()
    ids = list(v.scenes)
    return sorted(ids, key=lambda s: (depth.get(s, 10 ** 6), ids.index(s)))


def _guide_path(module: dict) -> Path:
    stem = Path(str(module.get("notebook", ""))).stem
    return paths.NOTEBOOKS_DIR / "facilitator" / f"{stem}_guide.ipynb"


def discussion_questions(module: dict) -> list[tuple[str, str]]:
    """(question, what a strong answer touches) pairs from the module's facilitator guide, as
    Markdown; [] if the guide or its section is missing."""
    import json

    path = _guide_path(module)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    md = "\n\n".join("".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")
    m = re.search(r"^## Discussion questions[^\n]*\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    if not m:
        return []
    out = []
    for q in re.finditer(r"^\*\*(\d+\..+?)\*\*\s*(.*?)(?=^\*\*\d+\.|\Z)", m.group(1), re.S | re.M):
        out.append((" ".join(q.group(1).split()), q.group(2).strip()))
    return out


def _markdown(text: str) -> str:
    from course.grading.sanitize import markdown_to_safe_html

    return markdown_to_safe_html(text)


class _Numbering:
    """Scene numbers for one vignette on paper: "Scene 1", "Scene 2", ... in reading order;
    endings are "Ending 1", "Ending 2", ... (the outcome is named only in the facilitator copy)."""

    def __init__(self, v: Vignette):
        self.names: dict[str, str] = {}
        n_scene = n_end = 0
        for sid in scene_order(v):
            if v.scenes[sid].is_ending:
                n_end += 1
                self.names[sid] = f"Ending {n_end}"
            else:
                n_scene += 1
                self.names[sid] = f"Scene {n_scene}"

    def __getitem__(self, sid: str) -> str:
        return self.names[sid]


def _case_summary(v: Vignette) -> str:
    c = v.client
    who = ", ".join(_e(x) for x in (c.name, c.age, c.pronouns) if x not in (None, ""))
    out = [f'<div class="box"><strong>Client:</strong> {who}<br>'
           f"<strong>Presenting concern:</strong> {_e(c.presenting_concern)}<br>"
           f"<strong>Context:</strong> {_e(c.context)}</div>"]
    if v.content_note:
        out.insert(0, f'<div class="box note"><strong>Content note:</strong> {_e(v.content_note)} '
                      "You may step out at any time and come back when you are ready.</div>")
    return "".join(out)


def _speaker(v: Vignette, speaker: str) -> str:
    return v.client.name if speaker == "client" else "You (counselor)"


def _lines(v: Vignette, scene: Scene) -> str:
    out = []
    for ln in scene.lines:
        only = ' <span class="muted">(on some paths only)</span>' if ln.when is not None else ""
        if ln.speaker == "narrator":
            out.append(f'<p class="line narration">{_e(ln.text)}{only}</p>')
        else:
            out.append(f'<p class="line"><strong>{_e(_speaker(v, ln.speaker))}:</strong> {_e(ln.text)}{only}</p>')
    if scene.inner_reaction:
        out.append(f'<p class="line"><strong>Your inner reaction:</strong> {_e(scene.inner_reaction)}</p>')
    return "".join(out)


def _scene_html(v: Vignette, sid: str, names: _Numbering, seed: str, facilitator: bool) -> str:
    s = v.scenes[sid]
    start = " (start)" if sid in v.starts else ""
    out = [f'<div class="scene"><h4>{_e(names[sid])}{start}</h4>', _lines(v, s)]
    if s.is_ending:
        end = s.ending
        if facilitator:
            sym, label = QUALITY_STYLE[end.outcome][:2]
            out.append(f'<div class="fb"><strong>{sym} {label} outcome.</strong> {_e(end.summary)}</div>')
        out.append(f'<p><strong>For discussion:</strong> {_e(end.reflection)}</p>')
    else:
        items = []
        for pos, i in enumerate(shuffled_order(seed, s.id, len(s.choices))):
            c = s.choices[i]
            leads = ", ".join(names[t] for t in c.targets)
            extra = ' <span class="muted">(offered on some paths only)</span>' if c.when is not None else ""
            item = (f"<li><strong>{LETTERS[pos]}.</strong> {_e(c.text)}{extra} "
                    f'<span class="muted">&rarr; {_e(leads)}</span>')
            if facilitator:
                sym, label = QUALITY_STYLE[c.quality][:2]
                codes = "; ".join(cite(x) for x in order_codes(c.codes))
                item += (f'<div class="fb"><strong>{sym} {label}.</strong> {_e(c.feedback)}'
                         f'<br><span class="muted">Concepts: {_e(", ".join(concept_label(t) for t in c.concepts))}'
                         + (f"; codes: {_e(codes)}" if codes else "") + "</span></div>")
            items.append(item + "</li>")
        out.append(f'<ol class="choices">{"".join(items)}</ol>')
    out.append("</div>")
    return "".join(out)


def _observer_items(v: Vignette) -> list[str]:
    """What the observer listens for: the concepts the vignette's helpful choices practise, in
    words, then the same few skills for every triad."""
    concepts = load_concepts()
    seen: list[str] = []
    for s in v.scenes.values():
        for c in s.choices:
            if c.quality == "helpful":
                seen += [t for t in c.concepts if t not in seen]
    items = [f"{concept_label(t)}: where did you hear it? ({concepts.get(t, {}).get('definition', '')})".replace(" ()", "")
             for t in seen[:5]]
    items += [
        "The counselor reflected what the client said or felt before moving on.",
        "Any question was open, and the counselor left room for the answer.",
        "The counselor's own reactions stayed out of the client's time (or were used deliberately and briefly).",
        "The frame was kept in a way the client could understand (time, role, what happens next).",
        "One sentence to quote back in the debrief, word for word:",
    ]
    return items


def _triad_cards(v: Vignette) -> str:
    opening = v.scenes[v.start]
    client_lines = "".join(f"<p class=\"line\">{_e(ln.text)}</p>" for ln in opening.lines
                           if ln.speaker == "client" and ln.when is None)
    setting = "".join(f'<p class="line narration">{_e(ln.text)}</p>' for ln in opening.lines
                      if ln.speaker == "narrator" and ln.when is None)
    checklist = "".join(f"<li>{_e(x)}</li>" for x in _observer_items(v))
    return (
        f'<h3>Triad line cards &middot; {_e(v.title)}</h3>'
        '<p class="muted">Cut along the dashed lines. Three seats: client, counselor, observer; five minutes, '
        "then swap. Anyone may say “pause” at any time and step out; to come back, re-read the last line. "
        "Afterwards, de-role: say your own name and one ordinary thing you will do today.</p>"
        f'<div class="card"><h4>Client card: {_e(v.client.name)}</h4>'
        f"<p>{_e(v.client.presenting_concern)}. {_e(v.client.context)}</p>{setting}"
        f"<p><strong>Your opening lines</strong> (read them as written; after that, answer as "
        f"{_e(v.client.name)} might, from what is on this card, not from your own life):</p>{client_lines}</div>"
        f'<div class="card"><h4>Counselor card</h4><p>{_e(v.client.context)}</p>'
        "<p><strong>Your task:</strong> respond in your own words, not with the lettered choices. "
        "Listen first; say what you notice; keep to the time and your role. If you are stuck, say so and "
        "ask the observer for a pause.</p></div>"
        f'<div class="card"><h4>Observer card: checklist</h4><ul class="check">{checklist}</ul>'
        "<p>Report skills, not verdicts on a person. Keep what was said in the triad in the triad.</p></div>"
    )


def build_handout(module: str, facilitator: bool = False, session: str | None = None) -> str:
    """The whole page for one module, as a string of HTML (no script, nothing to fetch)."""
    info = module_info(module)
    session = (session or datetime.date.today().isoformat()).strip()
    vignettes = module_vignettes(module)
    questions = discussion_questions(info)
    kind = "Facilitator copy (with feedback)" if facilitator else "Student handout"
    title = f"Module {info.get('number', '')} · {info.get('title', module)}"
    toc = "".join(f'<li><a href="#{_e(v.id)}">{_e(v.title)}</a></li>' for v in vignettes)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # nothing may be fetched or run: a strict policy makes that a property of the page
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        f"<title>{_e(title)} · {_e(kind)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(kind)} &middot; The Therapeutic Relationship &middot; letters as on the projector '
        f"for session {_e(session)}</p>",
    ]
    if not facilitator:
        parts.append('<p class="box">Read each scene and decide what you would say. The consequences are '
                     "discussed in the seminar, not printed here. Nothing here asks about your own history, "
                     "and you may step out at any time.</p>")
    else:
        parts.append('<p class="box note"><strong>For the leader only.</strong> This copy holds every choice\'s '
                     "quality and feedback; hand out the student copy.</p>")
    parts.append(f'<nav class="toc"><strong>Cases</strong><ol>{toc}</ol></nav>')
    parts.append("<h2>Case summaries</h2>")
    for v in vignettes:
        parts.append(f"<h3>{_e(v.title)}</h3>{_case_summary(v)}")
    for v in vignettes:
        seed = order_seed(v, "discussion", session)
        names = _Numbering(v)
        scenes = "".join(_scene_html(v, sid, names, seed, facilitator) for sid in scene_order(v))
        parts.append(f'<section class="vignette" id="{_e(v.id)}"><h2>{_e(v.title)}</h2>{_case_summary(v)}'
                     f"<h3>Scenes and choices</h3>{scenes}{_triad_cards(v)}</section>")
    parts.append('<section class="vignette"><h2>Discussion questions</h2>')
    if questions:
        if facilitator:
            parts += [f'<div class="box"><p><strong>{_e(q)}</strong></p>{_markdown(a)}</div>' for q, a in questions]
        else:
            parts.append("<ol class=\"choices\">" + "".join(f"<li>{_e(q)}</li>" for q, _ in questions) + "</ol>")
    else:
        parts.append("<p>See the endings' questions “For discussion” above.</p>")
    parts.append("</section></body></html>")
    return "\n".join(parts)


def write_handouts(module: str, out_dir: Path | str, session: str | None = None) -> list[Path]:
    """Write the student handout and the facilitator copy for `module` (or every module for
    "all"); returns the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if module == "all":
        modules = [m["id"] for m in yaml.safe_load((paths.CONTENT_DIR / "modules.yml").read_text(encoding="utf-8"))]
    else:
        module_info(module)
        modules = [module]
    written = []
    for m in modules:
        for facilitator, suffix in ((False, "handout"), (True, "facilitator")):
            f = out_dir / f"{m}-{suffix}.html"
            f.write_text(build_handout(m, facilitator=facilitator, session=session), encoding="utf-8")
            written.append(f)
    return written
