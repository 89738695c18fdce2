"""The vignette player: one line in a notebook plays a branching scene.

    play("transference/are-you-tired-of-me")                     # solo study
    play("termination/the-coffee-invitation", mode="discussion")  # seminar: vote, reveal, discuss
    play("termination/the-coffee-invitation", mode="projector")   # the same, for a projector

Order carries no information. Authors write choices in whatever order is convenient; the player
shows them shuffled, so the helpful response is not always first. In solo mode the order is drawn
per visit (each `play(...)` call gets a fresh random seed) and is stable within the visit: going
back or starting again shows the same scene in the same order. In discussion mode the whole room
must see the same letters, so the order is seeded by the session (today's date unless
`session="..."` is given) and the vignette id: every screen in the seminar shows the same A, B, C,
and the reveal uses those letters. Feedback and recording always name the choice by its index in
the author's file (its identity), never by the position it was shown in.

`play` returns the player widget; as the last line of a cell it is displayed. All logic lives in
`course.scenes.Walk`; this module renders the walk and forwards clicks. Every step is recorded
through `course.recorder.record` (see that module for the event kinds).

Accessibility: choices are native radio buttons with visible labels (ipywidgets 8 makes each
one its own Tab stop: Tab to a response, Space to choose it, Tab to "Say this", Enter or Space). Feedback and endings are marked
by words and symbols as well as colour, and are announced by screen readers (aria-live).
"""
from __future__ import annotations

import datetime
import html
import random
import secrets

import ipywidgets as widgets

from course.codes import cite, code_entry, concept_label, load_concepts
from course.lens import order_codes
from course.errors import CourseError
from course.recorder import record
from course.scenes import Choice, Scene, Vignette, Walk, load_vignette

MODES = ("solo", "discussion", "projector")

QUALITY_STYLE = {
    # quality: (symbol, label, text colour, background, border)
    "helpful": ("✓", "Helpful", "#14532d", "#dcfce7", "#15803d"),
    "mixed": ("◐", "Mixed", "#713f12", "#fef9c3", "#a16207"),
    "harmful": ("✗", "Harmful", "#7f1d1d", "#fee2e2", "#b91c1c"),
}
LETTERS = "ABCDEFGHIJ"

_CSS = """<style>
.vignette-player { max-width: 820px; font-size: 15px; line-height: 1.5; color: #111827; }
.vignette-player .vp-box { border-radius: 6px; padding: 10px 14px; margin: 6px 0; }
.vignette-player .vp-client { background: #f3f4f6; }
.vignette-player .vp-note { background: #fff7ed; border-left: 4px solid #c2410c; }
.vignette-player .vp-inner { background: #eef2ff; border-left: 4px dashed #4338ca; }
.vignette-player .vp-line { margin: 4px 0; }
.vignette-player .vp-narration { font-style: italic; color: #374151; }
.vignette-player .vp-quality { font-weight: 700; }
.vignette-player .vp-muted { color: #4b5563; font-size: 13px; }
.vignette-player .vignette-choice label, .vignette-player .vignette-choice .widget-label-basic {
  white-space: normal !important; height: auto !important; line-height: 1.4; }
.vignette-player .vignette-choice .widget-radio-box label { display: flex !important; align-items: flex-start;
  gap: 8px; margin-bottom: 8px; }
.vignette-player .vignette-choice .widget-radio-box input { float: none !important; order: -1; margin: 4px 0 0 1px !important;
  flex-shrink: 0; }
.vignette-player .vignette-choice { flex-direction: column; }
.vignette-player .vp-card { border: 1px solid #d1d5db; border-radius: 6px; padding: 8px; }
.vignette-player .widget-html-content { white-space: normal; }
</style>"""


def play(ref: str, mode: str = "solo", *, session: str | None = None,
         seed: int | str | None = None) -> "VignettePlayer":
    """Play a vignette ("<module>/<id>", or a path to a .yml file).

    mode="solo": one learner chooses, sees feedback, can go back or start again. The choices
    are shuffled for this visit.
    mode="discussion": a seminar view with every choice lettered for a vote and a reveal of
    every consequence side by side. The order is the same for everyone in the room who plays
    the vignette with the same `session` (default: today's date).
    mode="projector": discussion mode for the front of the room (course.projector): large type,
    full width, clicker keys, vote counts, a staged reveal, the class's path on the map.
    `seed` fixes the order outright (for tests and printed handouts).
    """
    wanted = mode.strip().lower() if isinstance(mode, str) else mode
    if wanted not in MODES:
        raise CourseError(f"There is no player mode called {mode!r}.",
                          hint='Use mode="solo" (the default), mode="discussion" or mode="projector", in quotes.')
    mode = wanted
    vignette = load_vignette(ref)
    if mode == "projector":
        from course.projector import ProjectorView, install_keys

        install_keys()
        return ProjectorView(vignette, session=session, seed=seed)
    return VignettePlayer(vignette, mode=mode, session=session, seed=seed)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def quality_badge(quality: str, noun: str = "response") -> str:
    sym, label, fg, bg, border = QUALITY_STYLE[quality]
    return (f'<span class="vp-quality" style="color:{fg};background:{bg};border:1px solid {border};'
            f'border-radius:4px;padding:1px 6px">{sym} {label} {noun}</span>')


def order_seed(vignette: Vignette, mode: str, session: str | None = None,
               seed: int | str | None = None) -> str:
    """The seed that decides the order of choices: given, or per room and session in discussion
    mode, or fresh (per visit) in solo mode."""
    if seed is not None:
        return str(seed)
    if mode == "discussion":
        day = session if session is not None else datetime.date.today().isoformat()
        return f"discussion:{day}:{vignette.ref}"
    return f"visit:{secrets.randbits(64)}"


def shuffled_order(seed: str, scene_id: str, n: int) -> list[int]:
    """Author indices 0..n-1 in the order to show them for this seed and scene (deterministic)."""
    order = list(range(n))
    random.Random(f"{seed}|{scene_id}").shuffle(order)
    return order


def map_html(vignette: Vignette, path: list[str] | None = None, width: str = "100%", font: float | None = None,
             min_font: float = 0) -> str:
    """The vignette's branch map as an HTML figure (a PNG with the map in words), with `path`
    (scene ids, in order) drawn in; `font` and `min_font` as in vignette_map."""
    from course.figures.vignette_map import FONT, vignette_map

    fig = vignette_map(vignette, path=path, font=font or FONT, min_font=min_font)
    out = fig._repr_html_() or ""
    return out.replace("max-width:100%", f"max-width:100%;width:{width}")


def _panel(quality: str, inner: str, css: str = "") -> str:
    _, _, fg, bg, border = QUALITY_STYLE[quality]
    return (f'<div class="vp-box {css}" style="background:{bg};border-left:6px solid {border};color:#111827">'
            f"{inner}</div>")


def client_who(client) -> str:
    """The client's name, age and pronouns as one escaped line (the player's and the projector's header)."""
    return ", ".join(_e(x) for x in (client.name, client.age, client.pronouns) if x not in (None, ""))


def record_ending_once(view, kind: str, **extra) -> None:
    """Record the ending `view.walk` has reached, once per path: a redraw, a second click or a
    back-and-forward to the same ending does not record it again (the player and the projector;
    each keeps `_ending_recorded_for` and clears it when the class steps back)."""
    key = tuple(view.walk.path)
    if view._ending_recorded_for == key:
        return
    view._ending_recorded_for = key
    w = view.walk
    view._record(kind, ending=w.current, outcome=w.ending.outcome, path=w.path,
                 concepts=w.concepts, codes=w.codes, **extra)


class VignettePlayer(widgets.VBox):
    """The widget returned by `play`. Attributes are public so tests can drive it:
    `choices` (RadioButtons), `say`, `continue_button`, `back_button`, `restart_button`,
    `feedback`, `ending` (HTML), `reveal` and `follow_buttons` (discussion mode), `walk`,
    `seed` and `order(scene)` (the author indices of a scene's choices in the order shown).
    Choices are always identified by their author index: `choices.value`, `choose(i)`, `follow(i)`
    and the recorded `choice` all mean choice i of the file, wherever it was shown."""

    def __init__(self, vignette: Vignette, mode: str = "solo", session: str | None = None,
                 seed: int | str | None = None, walk: Walk | None = None):
        super().__init__()
        self.seed = order_seed(vignette, mode, session, seed)
        self.add_class("vignette-player")
        self.add_class(f"vignette-{mode}")
        self.vignette = vignette
        self.mode = mode
        # `walk`: a Walk seeded with flags from earlier episodes of a case (course.case)
        self.walk = walk if walk is not None else Walk(vignette)
        self.pending: Choice | None = None  # a choice made whose feedback is on screen
        self.revealed = False
        self._ending_recorded_for: tuple | None = None

        self.header = widgets.HTML(_CSS + self._header_html())
        self.transcript = widgets.HTML()
        self.transcript.add_class("vignette-transcript")
        self.inner = widgets.HTML()
        self.inner.add_class("vignette-inner")

        self.choices = widgets.RadioButtons(options=[], value=None, description="Your response:",
                                            style={"description_width": "initial"},
                                            layout=widgets.Layout(width="100%"))
        self.choices.add_class("vignette-choice")
        self.say = widgets.Button(description="Say this", button_style="primary",
                                  tooltip="Respond with the selected choice (Enter or Space)")
        self.say.add_class("vignette-say")
        self.say.on_click(self._on_say)

        self.feedback = widgets.HTML()
        self.feedback.add_class("vignette-feedback")
        self.continue_button = widgets.Button(description="Continue", button_style="primary",
                                              tooltip="See what happens next")
        self.continue_button.add_class("vignette-continue")
        self.continue_button.on_click(self._on_continue)

        self.ending = widgets.HTML()
        self.ending.add_class("vignette-ending")

        self.back_button = widgets.Button(description="Go back a step", tooltip="Undo your last choice")
        self.back_button.add_class("vignette-back")
        self.back_button.on_click(self._on_back)
        self.restart_button = widgets.Button(description="Start again", tooltip="Return to the first scene")
        self.restart_button.add_class("vignette-restart")
        self.restart_button.on_click(self._on_restart)
        self.nav = widgets.HBox([self.back_button, self.restart_button])
        # the branch map, offered once an ending is reached (before, it would show the way)
        self.map_button = widgets.Button(description="Show the map", tooltip="Every branch of this vignette, "
                                         "with the path you took drawn in", layout=widgets.Layout(width="auto"))
        self.map_button.add_class("vignette-map-button")
        self.map_button.on_click(self._on_map)
        self.map_view = widgets.HTML()
        self.map_view.add_class("vignette-map-view")
        self.map_shown = False

        # discussion mode
        self.options = widgets.HTML()
        self.options.add_class("vignette-options")
        self.reveal = widgets.Button(description="Reveal consequences", button_style="info",
                                     tooltip="Show every choice's consequence side by side",
                                     layout=widgets.Layout(width="auto"))  # the label, whole
        self.reveal.add_class("vignette-reveal")
        self.reveal.on_click(self._on_reveal)
        self.consequences = widgets.GridBox(layout=widgets.Layout(
            grid_template_columns="repeat(auto-fit, minmax(220px, 1fr))", grid_gap="8px", width="100%"))
        self.consequences.add_class("vignette-consequences")
        self.follow_buttons: list[widgets.Button] = []

        self._record("vignette.start", mode=mode)
        self._render()

    # ------------------------------------------------------------------ recording
    def _record(self, kind: str, **data) -> None:
        if self.mode != "solo":
            # a seminar run is the class's path, not the leader's own study: recorded under
            # discussion.* kinds, which course.progress does not count
            kind = "discussion." + kind.split(".", 1)[1]
        record(kind, self.vignette.module, self.vignette.id, vignette=self.vignette.ref, **data)

    def _record_step(self, scene: Scene, index: int, choice: Choice) -> None:
        self._record("vignette.step", scene=scene.id, choice=index, choice_text=choice.text,
                     next=choice.next, quality=choice.quality, concepts=list(choice.concepts),
                     codes=list(choice.codes))

    def _record_ending_once(self) -> None:
        record_ending_once(self, "vignette.ending")

    # ------------------------------------------------------------------ rendering
    def _header_html(self) -> str:
        v, c = self.vignette, self.vignette.client
        who = client_who(c)
        parts = [f'<h3 style="margin:4px 0">{_e(v.title)}</h3>']
        if self.mode == "discussion":
            parts.append('<div class="vp-muted">Discussion mode: read the scene, vote on a response, '
                         'then reveal every consequence. Everyone who opens this vignette in discussion '
                         'mode for the same session sees the choices in the same order, with the same letters.</div>')
        if v.content_note:
            parts.append(f'<div class="vp-box vp-note" role="note"><strong>Content note:</strong> '
                         f"{_e(v.content_note)}</div>")
        parts.append(f'<div class="vp-box vp-client"><strong>Client:</strong> {who}<br>'
                     f"<strong>Presenting concern:</strong> {_e(c.presenting_concern)}<br>"
                     f"<strong>Context:</strong> {_e(c.context)}</div>")
        return "".join(parts)

    def order(self, scene: Scene | str | None = None) -> list[int]:
        """Author indices of the scene's choices in the order this player shows them."""
        if scene is None:
            scene = self.walk.scene
        elif isinstance(scene, str):
            scene = self.vignette.scenes[scene]
        return shuffled_order(self.seed, scene.id, len(scene.choices))

    def letter(self, index: int, scene: Scene | str | None = None) -> str:
        """The letter shown beside author choice `index` (discussion mode)."""
        return LETTERS[self.order(scene).index(index)]

    def _speaker(self, speaker: str) -> str:
        if speaker == "client":
            return self.vignette.client.name
        return "You (counselor)"

    def _transcript_html(self, scene: Scene) -> str:
        # the number only: scene ids are the author's names for branches ("dropout") and would
        # tell the room where a choice leads
        out = [f'<div class="vp-muted">Scene {len(self.walk.path) if not self.pending else len(self.walk.path) - 1}</div>']
        for line in scene.lines:
            if line.speaker == "narrator":
                out.append(f'<p class="vp-line vp-narration"><em>{_e(line.text)}</em></p>')
            else:
                out.append(f'<p class="vp-line vp-{line.speaker}"><strong>{_e(self._speaker(line.speaker))}:</strong> '
                           f"{_e(line.text)}</p>")
        return "".join(out)

    def _inner_html(self, scene: Scene) -> str:
        if not scene.inner_reaction:
            return ""
        return (f'<div class="vp-box vp-inner" role="note"><strong>Your inner reaction:</strong> '
                f"{_e(scene.inner_reaction)}</div>")

    def _feedback_html(self, choice: Choice) -> str:
        concepts = ", ".join(_e(concept_label(t)) for t in choice.concepts)
        codes = "; ".join(_e(cite(c)) for c in order_codes(choice.codes))
        body = (f"<div>{quality_badge(choice.quality)}</div>"
                f'<p style="margin:6px 0">{_e(choice.feedback)}</p>'
                f'<div class="vp-muted"><strong>Concepts:</strong> {concepts}'
                + (f"<br><strong>Codes:</strong> {codes}" if codes else "") + "</div>")
        return f'<div role="status" aria-live="polite">{_panel(choice.quality, body)}</div>'

    def _ending_html(self) -> str:
        w = self.walk
        end = w.ending
        steps = "".join(
            f"<li>{_e(c.text)} <span>{quality_badge(c.quality, 'choice')}</span></li>" for _, _, c in w.steps)
        concepts_all = load_concepts()
        concepts = "".join(
            f"<li><strong>{_e(concept_label(t))}</strong>: {_e(concepts_all.get(t, {}).get('definition', ''))}</li>"
            for t in w.concepts)
        codes = "".join(f"<li><strong>{_e(cite(c))}</strong> ({_e(code_entry(c)['title'])}): "
                        f"{_e(code_entry(c)['paraphrase'])}</li>" for c in order_codes(w.codes))
        body = (
            f'<h4 style="margin:2px 0">Ending: {quality_badge(end.outcome, "outcome")}</h4>'
            f'<p>{_e(end.summary)}</p>'
            f"<strong>The path you took</strong><ol>{steps}</ol>"
            f'<div class="vp-muted">{len(w.path)} scenes from the start to this ending.</div>'
            f"<strong>Concepts you met</strong><ul>{concepts}</ul>"
            + (f"<strong>Ethics codes cited</strong><ul>{codes}</ul>" if codes else
               "<p><strong>Ethics codes cited:</strong> none on this path.</p>")
            + f'<div class="vp-box" style="background:#fff;border:1px solid #9ca3af"><strong>For reflection:</strong> '
              f"{_e(end.reflection)}</div>"
            '<p class="vp-muted">Go back a step or start again to explore another branch, '
            'or show the map to see every branch and the path you took.</p>'
        )
        return f'<div role="status" aria-live="polite">{_panel(end.outcome, body)}</div>'

    def _render(self) -> None:
        w = self.walk
        self.back_button.disabled = not w.can_go_back
        self.restart_button.disabled = not w.can_go_back
        if self.mode == "discussion":
            self._render_discussion()
            return
        if self.pending is not None:
            scene, index, choice = w.steps[-1]
            self.transcript.value = self._transcript_html(scene)
            self.inner.value = self._inner_html(scene)
            self._set_choices(scene, value=index, disabled=True)
            self.feedback.value = self._feedback_html(choice)
            self.continue_button.description = "See how it ends" if w.is_ending else "Continue"
            # the quality is also in the button's description, so a screen reader hears it with
            # the focus that moves here, even where the live region is not announced
            self.continue_button.tooltip = (f"{QUALITY_STYLE[choice.quality][1]} response. "
                                            + ("See how it ends." if w.is_ending else "See what happens next."))
            body = [self.transcript, self.inner, self.choices, self.feedback, self.continue_button]
        elif w.is_ending:
            self.transcript.value = self._transcript_html(w.scene)
            self.inner.value = self._inner_html(w.scene)
            self.ending.value = self._ending_html()
            body = [self.transcript, self.inner, self.ending, *self._map_widgets()]
        else:
            self.transcript.value = self._transcript_html(w.scene)
            self.inner.value = self._inner_html(w.scene)
            self._set_choices(w.scene, value=None, disabled=False)
            self.feedback.value = ""
            body = [self.transcript, self.inner, self.choices, self.say]
        self.children = [self.header, *[b for b in body if b is not self.inner or self.inner.value], self.nav]

    def _set_choices(self, scene: Scene, value, disabled: bool) -> None:
        opts = [(scene.choices[i].text, i) for i in self.order(scene)]
        if list(self.choices.options) != opts:
            self.choices.value = None
            self.choices.options = opts
        self.choices.value = value
        self.choices.disabled = disabled
        # "Say this" stays enabled (a disabled button drops out of the Tab order while the kernel
        # catches up); pressing it with nothing chosen asks for a choice instead
        self.say.disabled = disabled

    def _render_discussion(self) -> None:
        w = self.walk
        self.transcript.value = self._transcript_html(w.scene)
        self.inner.value = self._inner_html(w.scene)
        if w.is_ending:
            self.ending.value = self._ending_html()
            self._record_ending_once()
            body = [self.transcript, self.inner, self.ending, *self._map_widgets()]
        else:
            items = "".join(f'<li style="margin:6px 0"><strong>{LETTERS[pos]}.</strong> {_e(w.scene.choices[i].text)}</li>'
                            for pos, i in enumerate(self.order(w.scene)))
            self.options.value = (f'<div class="vp-box" style="border:1px solid #d1d5db"><strong>What would you say? '
                                  f'Vote A&ndash;{LETTERS[len(w.scene.choices) - 1]}.</strong>'
                                  f'<ol style="list-style:none;padding-left:0">{items}</ol></div>')
            self.reveal.description = "Hide consequences" if self.revealed else "Reveal consequences"
            body = [self.transcript, self.inner, self.options, self.reveal]
            if self.revealed:
                self._build_cards(w.scene)
                body.append(self.consequences)
        self.children = [self.header, *[b for b in body if b is not self.inner or self.inner.value], self.nav]

    def _build_cards(self, scene: Scene) -> None:
        cards, self.follow_buttons = [], []
        for pos, i in enumerate(self.order(scene)):
            c = scene.choices[i]
            letter = LETTERS[pos]
            nxt = self.vignette.scenes[c.next]
            where = f"an ending ({nxt.ending.outcome})" if nxt.is_ending else "another scene"
            html_ = widgets.HTML(_panel(c.quality, (
                f"<strong>{letter}.</strong> {quality_badge(c.quality)}"
                f'<p class="vp-card-choice" style="margin:6px 0"><em>{_e(c.text)}</em></p>'
                f'<p style="margin:6px 0">{_e(c.feedback)}</p>'
                f'<div class="vp-muted">Concepts: {_e(", ".join(concept_label(t) for t in c.concepts))}'
                + (f'<br>Codes: {_e("; ".join(cite(x) for x in order_codes(c.codes)))}' if c.codes else "")
                + f'<br>Leads to {_e(where)}</div>')))
            btn = widgets.Button(description=f"Follow {letter}", tooltip=f"Continue the scene with choice {letter}",
                                 layout=widgets.Layout(width="auto"))
            btn.add_class("vignette-follow")
            # bound to this scene: a second click that arrives after the class has moved on
            # (a double click) must not follow choice i of the next scene too
            btn.on_click(lambda _b, i=i, at=scene.id, n=len(self.walk.path): self._on_follow(i, at, n))
            self.follow_buttons.append(btn)
            card = widgets.VBox([html_, btn])
            card.add_class("vp-card")
            cards.append(card)
        self.consequences.children = cards

    def _map_widgets(self) -> list:
        self.map_button.description = "Hide the map" if self.map_shown else "Show the map"
        if self.map_shown:
            self.map_view.value = map_html(self.vignette, self.walk.path)
            return [self.map_button, self.map_view]
        return [self.map_button]

    # ------------------------------------------------------------------ actions
    def _on_map(self, _button=None) -> None:
        if not self.walk.is_ending:
            return  # the map is for after an ending
        self.map_shown = not self.map_shown
        self._render()

    def _on_say(self, _button=None) -> None:
        index = self.choices.value
        if self.pending is not None or self.walk.is_ending:
            return
        if index is None:
            self.feedback.value = ('<div role="status" aria-live="polite" class="vp-box vp-note">'
                                   "Pick a response first: Tab to a response and press Space, "
                                   "or click one.</div>")
            self.children = [*self.children[:-1], self.feedback, self.children[-1]] \
                if self.feedback not in self.children else self.children
            return
        scene = self.walk.scene
        choice = self.walk.choose(index)
        self._record_step(scene, index, choice)
        self.pending = choice
        self._render()
        self.continue_button.focus()

    def _on_continue(self, _button=None) -> None:
        if self.pending is None:
            return
        self.pending = None
        if self.walk.is_ending:
            self._record_ending_once()
        self._render()
        self._focus_after_move()

    def _on_back(self, _button=None) -> None:
        scene = self.walk.back()
        if scene is None:
            return
        self.pending = None
        self.revealed = False
        self.map_shown = False
        self._ending_recorded_for = None
        self._record("vignette.back", scene=scene)
        self._render()
        self._focus_after_move()

    def _on_restart(self, _button=None) -> None:
        if not self.walk.can_go_back and self.pending is None:
            return  # already at the start (e.g. the second click of a double click)
        self.walk.restart()
        self.pending = None
        self.revealed = False
        self.map_shown = False
        self._ending_recorded_for = None
        self._record("vignette.restart")
        self._render()
        self._focus_after_move()

    def _on_follow(self, index: int, scene_id: str, depth: int) -> None:
        if self.walk.current != scene_id or len(self.walk.path) != depth:
            return  # a stale button from a scene the class has already left
        self.follow(index)

    def _on_reveal(self, _button=None) -> None:
        self.revealed = not self.revealed
        self._render()

    def _focus_after_move(self) -> None:
        if self.mode == "solo" and not self.walk.is_ending:
            self.choices.focus()
        elif not self.walk.is_ending:
            self.reveal.focus()
        else:
            self.restart_button.focus()

    # ------------------------------------------------------------------ a small API (tests, scripts)
    def choose(self, index: int) -> None:
        """Solo: select choice `index` and press "Say this"."""
        n = len(self.walk.scene.choices)
        if self.walk.is_ending or not isinstance(index, int) or not 0 <= index < n:
            self.walk.choose(index)  # raises the plain CourseError for this case
        self.choices.value = index
        self.say.click()

    def follow(self, index: int) -> None:
        """Discussion: move the class on along choice `index`."""
        if self.walk.is_ending:
            return
        scene = self.walk.scene
        choice = self.walk.choose(index)
        self._record_step(scene, index, choice)
        self.revealed = False
        self._render()
        self._focus_after_move()
