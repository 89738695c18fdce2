"""The projector view: discussion mode for the front of a seminar room.

    play("transference/are-you-tired-of-me", mode="projector")

Large type (it scales with the window: about 28 px on a 1920 px screen), the full width of the
notebook, and a clicker's keys once the view has the focus (click anywhere on it):

    PageDown, Right, Down, Space    next: reveal the next card; after the last card, follow the
                                    room's choice; at an ending, show the map with the class's path
                                    (the notebook scrolls to bring the map into view)
    PageUp, Left, Up, Backspace     back: hide the last card; at a scene's start, go back a scene
    Enter                           follow the room's choice (or press the button that has the focus)
    R                               reveal the next card
    V                               count the votes again (when students vote from their screens)
    M                               show or hide the map (at an ending)
    Z                               the map at full size (labels larger, the page scrolls) or fitted
                                    to the screen's height (the default: the whole map at once)

The keys are caught by a small script the view adds to the page, only while the focus is inside
the view, so they never move JupyterLab's cell selection; every key is also a button on screen.

A scene opens with its text and the choices, lettered as on every discussion-mode screen for the
same session. The room votes: the leader types the counts (hands, cards, an outside poll), and
where COURSE_VOTE_DIR names a shared drop-box folder (course.votes), students' anonymous votes are
counted too. Only counts are ever shown. Reveal is staged: the room's choice first (the letter with
most votes, or the one the leader marks), then the others one at a time, each card repeating the
wording of its choice. Recording uses the discussion.* event kinds: a seminar run is the class's
path, never the leader's own progress.
"""
from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

import ipywidgets as widgets

from course import votes
from course.codes import cite, concept_label
from course.figures.vignette_map import PROJECTOR_FONT
from course.lens import order_codes
from course.player import (LETTERS, QUALITY_STYLE, _panel, client_who, map_html, order_seed, quality_badge,
                           record_ending_once, shuffled_order)
from course.recorder import record
from course.scenes import Scene, Vignette, Walk

KEYS = {
    "PageDown": "next", "ArrowRight": "next", "ArrowDown": "next", " ": "next",
    "PageUp": "back", "ArrowLeft": "back", "ArrowUp": "back", "Backspace": "back",
    "Enter": "follow", "r": "reveal", "R": "reveal", "v": "count", "V": "count", "m": "map", "M": "map",
    "z": "zoom", "Z": "zoom",
}
# The map on the projector: every label at least PROJECTOR_FONT points (20.8 px in the picture).
MAP_STYLE = {"font": PROJECTOR_FONT, "min_font": PROJECTOR_FONT}

_CSS = """<style>
.vignette-projector { width: 100%; max-width: none; font-size: clamp(18px, 1.45vw, 44px); line-height: 1.4;
  color: #111827; outline: none; }
.vignette-projector:focus-visible { box-shadow: 0 0 0 3px #1d4ed8; }
.vignette-projector .widget-html-content, .vignette-projector .widget-html { font-size: inherit; line-height: inherit;
  white-space: normal; height: auto; }
.vignette-projector .pv-title { font-size: 1.3em; font-weight: 700; margin: .2em 0; }
.vignette-projector .pv-muted { color: #374151; font-size: .85em; }
.vignette-projector .pv-box { border-radius: 8px; padding: .4em .7em; margin: .3em 0; }
.vignette-projector .pv-line { margin: .25em 0; }
.vignette-projector .pv-narration { font-style: italic; color: #1f2937; }
.vignette-projector .pv-inner { background: #eef2ff; border-left: 6px dashed #4338ca; }
.vignette-projector .pv-note { background: #fff7ed; border-left: 6px solid #c2410c; }
.vignette-projector ol.pv-options { list-style: none; padding: 0; margin: .3em 0; }
.vignette-projector ol.pv-options li { display: grid; grid-template-columns: 1.6em 1fr auto; gap: .5em;
  align-items: baseline; padding: .25em .4em; border-bottom: 1px solid #d1d5db; }
.vignette-projector .pv-tally { font-weight: 700; min-width: 4.5em; text-align: right; white-space: nowrap; }
.vignette-projector .pv-room { background: #eff6ff; outline: 3px solid #1d4ed8; border-radius: 6px; }
.vignette-projector .pv-earlier { font-size: .8em; }
.vignette-projector .jupyter-button, .vignette-projector .widget-button {
  font-size: .75em; height: auto; min-height: 1.8em; padding: .2em .8em; width: auto; }
.vignette-projector .widget-inline-hbox .widget-label { font-size: .75em; height: auto; line-height: 1.6; }
.vignette-projector input { font-size: .75em !important; height: auto !important; }
.vignette-projector .widget-toggle-buttons .widget-toggle-button { font-size: .75em; height: auto; width: auto;
  padding: .15em .7em; }
.vignette-projector .pv-controls { flex-wrap: wrap; gap: .3em; margin-top: .4em; }
.vignette-projector .pv-counts { flex-wrap: wrap; gap: .5em; }
.vignette-projector .pv-counts .widget-inline-hbox { width: auto; }
.vignette-projector .pv-counts input { width: 3.2em; }
.vignette-projector .vignette-map img { width: 100%; max-width: 100%; }
/* Fitted (the default): the whole map within the screen's height below JupyterLab's bars, scaled
   up to the view's width where it is short, letterboxed where it is tall. Z: full size. */
.vignette-projector .pv-map img { max-height: calc(100vh - 150px); object-fit: contain; object-position: center top; }
.vignette-projector .pv-map.pv-map-full img { max-height: none; }
</style>"""

# Catches a clicker's keys while the focus is inside a projector view (window, capture phase:
# before JupyterLab's own shortcuts see them) and presses the matching button of that view.
# A count box sends its first keystroke at once and holds the rest back while the kernel is busy
# (ipywidgets), but a button's press is never held back: a press right after typing would reach
# the kernel before the last digits. So a press (a key, or a click on one of the view's buttons)
# waits until the kernel has drawn the counts the boxes show (the data-typed of the options), and
# presses are kept in order.
KEYS_JS = """
(function () {
  if (window.__courseProjectorKeys) { return; }
  window.__courseProjectorKeys = true;
  var MAP = %s;
  function rootOf(el) { return el && el.closest ? el.closest('.vignette-projector') : null; }
  function focusView(root) {
    if (!root.hasAttribute('tabindex')) { root.setAttribute('tabindex', '0'); }
    root.focus({preventScroll: true});
  }
  function synced(root) {   // every count box shows what the kernel last counted
    var shown = root.querySelector('.pv-options-view [data-typed]');
    if (!shown) { return true; }
    var kernel = shown.getAttribute('data-typed').split(' ');
    return Array.prototype.every.call(root.querySelectorAll('.pv-typed input'), function (box, k) {
      return parseInt(box.value, 10) === parseInt(kernel[k], 10);
    });
  }
  var queue = Promise.resolve(), waiting = 0, passing = null;
  function press(root, find) {   // find(): the button, looked up when its turn comes
    var box = document.activeElement;
    if (box && box.matches('.pv-typed input') && root.contains(box)) { focusView(root); }   // the box settles its value
    waiting += 1;
    queue = queue.then(function () {
      return new Promise(function (done) {
        var until = Date.now() + 30000;
        (function check() { if (synced(root) || Date.now() > until) { done(); } else { setTimeout(check, 50); } })();
      });
    }).then(function () {
      waiting -= 1;
      var button = find();
      if (button && button.isConnected && !button.disabled) { passing = button; button.click(); passing = null; }
    });
  }
  window.addEventListener('click', function (ev) {
    var root = rootOf(ev.target);
    if (!root) { return; }
    var button = ev.target.closest('button');
    if (button) {
      if (button === passing || (!waiting && synced(root))) { return; }
      ev.preventDefault();
      ev.stopImmediatePropagation();
      press(root, function () { return button; });
      return;
    }
    if (ev.target.closest('input, select, textarea, a, summary')) { return; }
    focusView(root);
  }, true);
  // The view redraws itself after every step: the element that had the focus (a count box, a
  // card's button) can vanish, and the focus then falls back to the page's body until the kernel
  // hands it to "Next". A clicker's press in that gap still belongs to the view it was in.
  var last = null;
  window.addEventListener('focusin', function (ev) { last = rootOf(ev.target) || null; }, true);
  window.addEventListener('keydown', function (ev) {
    var root = rootOf(ev.target);
    if (!root && last && last.isConnected && (ev.target === document.body || ev.target === document.documentElement)) {
      root = last;
      focusView(root);
    }
    if (!root || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var action = MAP[ev.key];
    if (!action) { return; }
    var t = ev.target;
    var typing = t.matches('input, textarea, select');
    if (typing && ev.key !== 'PageDown' && ev.key !== 'PageUp') { return; }
    if (t.matches('button') && (ev.key === 'Enter' || ev.key === ' ')) { return; }
    ev.preventDefault();
    ev.stopPropagation();
    ev.stopImmediatePropagation();
    press(root, function () { return root.querySelector("button.pv-" + action); });
  }, true);
  // The debrief: the map takes the place of the ending's text, often above what the notebook
  // shows. Once its picture is drawn, scroll the notebook (its own scroller, never JupyterLab's
  // panels) so that the map is in view: its top at the top if it is taller than the view.
  function scroller(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      var o = getComputedStyle(p).overflowY;
      if ((o === 'auto' || o === 'scroll') && p.scrollHeight > p.clientHeight) { return p; }
    }
    return document.scrollingElement;
  }
  function bringIntoView(map) {
    if (!map.isConnected) { return; }
    var s = scroller(map), r = map.getBoundingClientRect();
    var a = s === document.scrollingElement ? {top: 0, bottom: window.innerHeight} : s.getBoundingClientRect();
    if (r.top < a.top || r.height > a.bottom - a.top) { s.scrollTop += r.top - a.top; }
    else if (r.bottom > a.bottom) { s.scrollTop += r.bottom - a.bottom; }
  }
  new MutationObserver(function (records) {
    records.forEach(function (rec) {
      rec.addedNodes.forEach(function (n) {
        if (n.nodeType !== 1) { return; }
        var sel = '.vignette-projector .vignette-map', map = n.closest(sel) || n.querySelector(sel);
        var img = map && map.querySelector('img');
        if (img) { img.decode().then(null, function () {}).then(function () { bringIntoView(map); }); }
      });
    });
  }).observe(document.body, {childList: true, subtree: true});
})();
""" % ("{" + ", ".join(f'"{k}": "{v}"' for k, v in KEYS.items()) + "}")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def install_keys() -> None:
    """Add the key script to the page (once per page; harmless when repeated). Outside a
    running kernel (tests, scripts) it does nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import Javascript, display
    except ImportError:   # pragma: no cover - IPython comes with ipywidgets
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    display(Javascript(KEYS_JS))


class ProjectorView(widgets.VBox):
    """The projector view. Public attributes and methods let tests and scripts drive it like the
    keys do: `next()`, `back()`, `reveal()`, `follow(index=None)`, `toggle_map()`, `count()`,
    `key(name)`; `stage` (cards revealed at this scene), `walk`, `counts()`, `room_choice()`,
    `reveal_order()`, `typed` (the leader's count boxes, one per letter), `cards`, `map_view`."""

    def __init__(self, vignette: Vignette, session: str | None = None, seed: int | str | None = None,
                 folder: Path | str | None = None):
        super().__init__()
        self.add_class("vignette-projector")
        self.add_class("vignette-discussion")
        self.vignette = vignette
        self.session = votes.session_code(session)
        # the same letters as every discussion-mode screen (and students' ballots) this session
        self.seed = order_seed(vignette, "discussion", self.session, seed)
        self.folder = Path(folder) if folder else votes.vote_dir()
        self.walk = Walk(vignette)
        self.stage = 0
        self.map_shown = False
        self.map_full = False   # the map fitted to the screen's height; True: at full size (Z)
        self._typed_counts: dict[str, dict[str, int]] = {}   # scene -> letter -> typed count
        self._server_counts: dict[str, Counter] = {}          # scene -> letter -> votes counted
        self._marked: dict[str, int] = {}                     # scene -> author index the leader marked
        self._ending_recorded_for: tuple | None = None
        self.message = ""

        self.header = widgets.HTML(_CSS + self._header_html())
        self.scene_view = widgets.HTML()
        self.scene_view.add_class("pv-scene")
        self.options_view = widgets.HTML()
        self.options_view.add_class("pv-options-view")
        self.typed: list[widgets.BoundedIntText] = []
        self.counts_box = widgets.HBox()
        self.counts_box.add_class("pv-counts")
        self.mark = widgets.ToggleButtons(options=[("most votes", -1)], value=-1, description="Room's choice:",
                                          style={"description_width": "initial", "button_width": "auto"})
        self.mark.add_class("pv-mark")
        self.mark.observe(self._on_mark, names="value")
        self.cards = widgets.VBox()
        self.cards.add_class("pv-cards")
        self.follow_buttons: list[widgets.Button] = []
        self.ending_view = widgets.HTML()
        self.ending_view.add_class("pv-ending")
        self.map_view = widgets.HTML()
        self.map_view.add_class("pv-map")
        self.status = widgets.HTML()
        self.status.add_class("pv-status")

        def button(label, action, tip, style=""):
            b = widgets.Button(description=label, tooltip=tip, button_style=style,
                               layout=widgets.Layout(width="auto"))
            b.add_class(f"pv-{action}")
            b.on_click(lambda _b: self._do(action))
            return b

        self.back_button = button("◀ Back", "back", "Back a step (PageUp, Left)")
        self.next_button = button("Next ▶", "next", "Next step (PageDown, Right, Space)", "primary")
        self.reveal_button = button("Reveal consequences", "reveal", "Reveal the next card (R)", "info")
        self.follow_button = button("Follow the room's choice", "follow", "Move the class on (Enter)")
        self.count_button = button("Count votes", "count", "Count the votes from students' screens (V)")
        self.map_button = button("Show the map", "map", "The branch map with the class's path (M)")
        self.zoom_button = button("Map at full size", "zoom", "The map at full size, or fitted to the screen (Z)")
        self.controls = widgets.HBox([self.back_button, self.next_button, self.reveal_button, self.follow_button,
                                      self.count_button, self.map_button, self.zoom_button])
        self.controls.add_class("pv-controls")
        self.help = widgets.HTML('<div class="pv-muted">Keys (click the view first): PageDown / Right = next, '
                                 "PageUp / Left = back, Enter = follow the room's choice, R = reveal, "
                                 "V = count votes, M = map, Z = map at full size or fitted.</div>")

        self._record("discussion.start", mode="projector")
        self._enter_scene()
        self._render()

    # ------------------------------------------------------------------ recording
    def _record(self, kind: str, **data) -> None:
        record(kind, self.vignette.module, self.vignette.id, vignette=self.vignette.ref, **data)

    # ------------------------------------------------------------------ the room's votes
    @property
    def scene(self) -> Scene:
        return self.walk.scene

    def order(self, scene: Scene | None = None) -> list[int]:
        scene = scene or self.scene
        return shuffled_order(self.seed, scene.id, len(scene.choices))

    def letter(self, index: int, scene: Scene | None = None) -> str:
        return LETTERS[self.order(scene).index(index)]

    def counts(self) -> dict[str, int]:
        """Votes per letter at this scene: the counts the leader typed plus the anonymous votes
        counted from the drop-box folder."""
        sid = self.scene.id
        typed = self._typed_counts.get(sid, {})
        server = self._server_counts.get(sid, Counter())
        return {LETTERS[p]: int(typed.get(LETTERS[p], 0)) + int(server.get(LETTERS[p], 0))
                for p in range(len(self.scene.choices))}

    def room_choice(self) -> int | None:
        """The author index of the room's choice: the one the leader marked, else the letter with
        most votes (a tie goes to the earlier letter); None before any vote."""
        if self.walk.is_ending:
            return None
        sid = self.scene.id
        if sid in self._marked:
            return self._marked[sid]
        counts = self.counts()
        if not counts or max(counts.values()) == 0:
            return None
        best = max(counts.values())
        pos = next(p for p in range(len(counts)) if counts[LETTERS[p]] == best)
        return self.order()[pos]

    def reveal_order(self) -> list[int]:
        """Author indices in the order the cards are revealed: the room's choice first, then the
        others in letter order."""
        order = self.order()
        room = self.room_choice()
        return ([room] if room is not None else []) + [i for i in order if i != room]

    def count(self) -> None:
        """Count the anonymous votes in the drop-box folder for this scene (only before the
        reveal: once the cards are shown, the count stays as it was)."""
        if self.folder is None or self.walk.is_ending or self.stage > 0:
            return
        self._server_counts[self.scene.id] = votes.tally(self.folder, self.session, self.vignette.ref, self.scene.id)
        self._render()

    def set_counts(self, **by_letter: int) -> None:
        """Type counts in (e.g. set_counts(A=3, C=5)), as the leader does in the boxes."""
        for box in self.typed:
            if box.description in by_letter:
                box.value = int(by_letter[box.description])

    def _on_typed(self, change, scene_id: str) -> None:
        box = change["owner"]   # a box counts for the scene it was made for, even arriving late
        self._typed_counts.setdefault(scene_id, {})[box.description] = int(change["new"] or 0)
        self._render()

    def _on_mark(self, change) -> None:
        if self.walk.is_ending:
            return
        sid = self.scene.id
        if change["new"] is None or change["new"] < 0:
            self._marked.pop(sid, None)
        else:
            self._marked[sid] = int(change["new"])
        self._render()

    # ------------------------------------------------------------------ steps
    def _enter_scene(self, open_vote: bool = True) -> None:
        """A new scene is on screen: fresh count boxes, and (with a vote folder) the question opened
        (or, when the class comes back to a scene whose cards are shown, closed)."""
        self.map_shown = False
        self.message = ""
        if self.walk.is_ending:
            self.typed = []
            return
        sid = self.scene.id
        typed = self._typed_counts.get(sid, {})
        self.typed = []
        for pos in range(len(self.scene.choices)):
            box = widgets.BoundedIntText(value=int(typed.get(LETTERS[pos], 0)), min=0, max=999, description=LETTERS[pos],
                                         continuous_update=True,
                                         tooltip=f"Votes for {LETTERS[pos]} (hands, cards or a poll)",
                                         style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
            box.add_class("pv-typed")
            box.observe(lambda change, at=sid: self._on_typed(change, at), names="value")
            self.typed.append(box)
        self.counts_box.children = [widgets.HTML('<span class="pv-muted">Votes typed in:</span>'), *self.typed]
        marked = self._marked.get(sid)
        self.mark.unobserve(self._on_mark, names="value")
        self.mark.options = [("most votes", -1)] + [(LETTERS[p], i) for p, i in enumerate(self.order())]
        self.mark.value = -1 if marked is None else marked
        self.mark.observe(self._on_mark, names="value")
        if self.folder is not None and open_vote:
            votes.open_question(self.folder, self.session, self.vignette.ref, sid, len(self.scene.choices))
            self._server_counts[sid] = votes.tally(self.folder, self.session, self.vignette.ref, sid)
        elif self.folder is not None:
            votes.open_question(self.folder, self.session, self.vignette.ref, "", 0)   # cards shown: closed

    def next(self) -> None:
        if self.walk.is_ending:
            if not self.map_shown:
                self.toggle_map()
            return
        if self.stage < len(self.scene.choices):
            self.reveal()
        else:
            self.follow()

    def reveal(self) -> None:
        if self.walk.is_ending or self.stage >= len(self.scene.choices):
            return
        if self.stage == 0:
            self.count()   # the last count before the cards are shown
            if self.folder is not None:
                votes.open_question(self.folder, self.session, self.vignette.ref, "", 0)   # voting closed
        self.stage += 1
        self.message = ""
        self._render()
        self._focus()

    def follow(self, index: int | None = None) -> None:
        """Move the class on along choice `index` (author index; default: the room's choice)."""
        if self.walk.is_ending:
            return
        if index is None:
            index = self.room_choice()
            if index is None:
                self.message = ("Which way does the class go? Type the counts, mark the room's choice, "
                                "or press Follow on a card.")
                self._render()
                return
        scene = self.scene
        counts = self.counts()
        choice = self.walk.choose(index)
        self._record("discussion.step", scene=scene.id, choice=index, choice_text=choice.text, next=choice.next,
                     quality=choice.quality, concepts=list(choice.concepts), codes=list(choice.codes),
                     votes=counts, mode="projector")
        self.stage = 0
        self._enter_scene()
        if self.walk.is_ending:
            self._record_ending_once()
        self._render()
        self._focus()

    def back(self) -> None:
        if self.map_shown:
            self.map_shown = False
        elif self.stage > 0:
            self.stage -= 1
        else:
            scene = self.walk.back()
            if scene is None:
                return
            self._ending_recorded_for = None
            self._record("discussion.back", scene=scene, mode="projector")
            self._enter_scene(open_vote=False)
            self.stage = len(self.scene.choices)   # back where the class was before it moved on
        self.message = ""
        self._render()
        self._focus()

    def _toggle(self, flag: str, allowed: bool, refusal: str) -> None:
        """Flip the attribute `flag` and redraw, or, when not `allowed`, say why not."""
        if not allowed:
            self.message = refusal
            self._render()
            return
        setattr(self, flag, not getattr(self, flag))
        self._render()
        self._focus()

    def toggle_map(self) -> None:
        self._toggle("map_shown", self.walk.is_ending,
                     "The map comes at the debrief: it is shown once the class reaches an ending.")

    def zoom(self) -> None:
        """The map at full size (the page scrolls) or fitted to the screen's height."""
        self._toggle("map_full", self.map_shown, "Z zooms the map: show the map first (M, at an ending).")

    def _do(self, action: str) -> None:
        getattr(self, action if action != "map" else "toggle_map")()

    def key(self, name: str) -> None:
        """Do what the key `name` does (the key script presses the matching button)."""
        action = KEYS.get(name)
        if action is not None:
            self._do(action)

    def _focus(self) -> None:
        self.next_button.focus()

    def _record_ending_once(self) -> None:
        record_ending_once(self, "discussion.ending", mode="projector")

    # ------------------------------------------------------------------ rendering
    def _header_html(self) -> str:
        v, c = self.vignette, self.vignette.client
        who = client_who(c)
        out = [f'<div class="pv-title">{_e(v.title)}</div>',
               f'<div class="pv-muted">{who} &middot; {_e(c.presenting_concern)} &middot; '
               f"session {_e(self.session)}</div>"]
        if v.content_note:
            out.append(f'<div class="pv-box pv-note" role="note"><strong>Content note:</strong> {_e(v.content_note)}</div>')
        return "".join(out)

    def _scene_html(self, scene: Scene) -> str:
        n = len(self.walk.path)
        out = [f'<div class="pv-muted">Scene {n}</div>']
        for line in scene.lines:
            if line.speaker == "narrator":
                out.append(f'<p class="pv-line pv-narration">{_e(line.text)}</p>')
            else:
                who = self.vignette.client.name if line.speaker == "client" else "You (counselor)"
                out.append(f'<p class="pv-line"><strong>{_e(who)}:</strong> {_e(line.text)}</p>')
        if scene.inner_reaction:
            out.append(f'<div class="pv-box pv-inner"><strong>Your inner reaction:</strong> {_e(scene.inner_reaction)}</div>')
        return "".join(out)

    def _options_html(self) -> str:
        scene = self.scene
        counts = self.counts()
        total = sum(counts.values())
        room = self.room_choice()
        rows = []
        for pos, i in enumerate(self.order()):
            letter = LETTERS[pos]
            n = counts[letter]
            bar = (f'{n} vote{"" if n == 1 else "s"}' if total else "")
            cls = ' class="pv-room"' if i == room and total else ""
            rows.append(f'<li{cls}><strong>{letter}.</strong><span>{_e(scene.choices[i].text)}</span>'
                        f'<span class="pv-tally">{bar}</span></li>')
        where = (" Students can vote from their own screens (notebooks/vote.ipynb), anonymously."
                 if self.folder is not None else "")
        head = (f"<strong>What would you say? Vote A&ndash;{LETTERS[len(scene.choices) - 1]}.</strong>"
                f'<span class="pv-muted"> {total} vote{"" if total == 1 else "s"} so far.{where}</span>')
        typed = self._typed_counts.get(scene.id, {})   # what the key script waits for (KEYS_JS)
        seen = " ".join(str(int(typed.get(LETTERS[p], 0))) for p in range(len(scene.choices)))
        return (f'<div class="pv-box" style="border:1px solid #9ca3af" data-typed="{seen}">{head}'
                f'<ol class="pv-options">{"".join(rows)}</ol></div>')

    def _card(self, index: int, full: bool) -> widgets.Widget:
        scene = self.scene
        c = scene.choices[index]
        letter = self.letter(index)
        counts = self.counts()
        n = counts.get(letter, 0)
        room = " &middot; the room's choice" if index == self.room_choice() else ""
        votes_txt = f" &middot; {n} vote{'' if n == 1 else 's'}" if sum(counts.values()) else ""
        if not full:   # a card revealed earlier: one line, so the newest card has the room
            sym, label = QUALITY_STYLE[c.quality][:2]
            html_ = widgets.HTML(f'<div class="pv-box pv-earlier" style="border:1px solid #d1d5db">'
                                 f"<strong>{letter}.</strong> {sym} {label}{room}{votes_txt} &mdash; "
                                 f"<em>{_e(c.text)}</em></div>")
            return self._with_follow(html_, index, letter, scene, "pv-card pv-card-earlier")
        nxt = self.vignette.scenes[c.next]
        where = f"an ending ({nxt.ending.outcome})" if nxt.is_ending else "another scene"
        body = (f"<div><strong>{letter}.</strong> {quality_badge(c.quality)}"
                f'<span class="pv-muted">{room}{votes_txt}</span></div>'
                f'<p class="pv-card-choice" style="margin:.3em 0"><em>{_e(c.text)}</em></p>'
                f'<p style="margin:.3em 0">{_e(c.feedback)}</p>'
                f'<div class="pv-muted">Concepts: {_e(", ".join(concept_label(t) for t in c.concepts))}'
                + (f'<br>Codes: {_e("; ".join(cite(x) for x in order_codes(c.codes)))}' if c.codes else "")
                + f"<br>Leads to {_e(where)}</div>")
        html_ = widgets.HTML(f'<div role="status" aria-live="polite">{_panel(c.quality, body)}</div>')
        return self._with_follow(html_, index, letter, scene, "pv-card")

    def _with_follow(self, html_, index, letter, scene, classes) -> widgets.Widget:
        btn = widgets.Button(description=f"Follow {letter}", tooltip=f"Move the class on with choice {letter}",
                             layout=widgets.Layout(width="auto"))
        btn.add_class("pv-follow-card")
        btn.on_click(lambda _b, i=index, at=scene.id, d=len(self.walk.path): self._on_follow_card(i, at, d))
        self.follow_buttons.append(btn)
        card = widgets.VBox([html_, btn])
        for cls in classes.split():
            card.add_class(cls)
        return card

    def _on_follow_card(self, index: int, scene_id: str, depth: int) -> None:
        if self.walk.current != scene_id or len(self.walk.path) != depth:
            return   # a stale button (a double click after the class moved on)
        self.follow(index)

    def _ending_html(self) -> str:
        w = self.walk
        end = w.ending
        steps = "".join(f"<li><em>{_e(c.text)}</em> {quality_badge(c.quality, 'choice')}</li>" for _, _, c in w.steps)
        body = (f'<div class="pv-title">Ending: {quality_badge(end.outcome, "outcome")}</div>'
                f"<p>{_e(end.summary)}</p><strong>The class's path</strong><ol>{steps}</ol>"
                f'<div class="pv-box" style="background:#fff;border:1px solid #9ca3af"><strong>For discussion:</strong> '
                f"{_e(end.reflection)}</div>")
        return f'<div role="status" aria-live="polite">{_panel(end.outcome, body)}</div>'

    def _render(self) -> None:
        w = self.walk
        self.back_button.disabled = not (w.can_go_back or self.stage > 0 or self.map_shown)
        self.status.value = (f'<div class="pv-box pv-note" role="status">{_e(self.message)}</div>'
                             if self.message else "")
        if w.is_ending:
            self.scene_view.value = self._scene_html(w.scene)
            self.ending_view.value = self._ending_html()
            self.map_button.description = "Hide the map" if self.map_shown else "Show the map"
            body = [self.scene_view, self.ending_view]
            if self.map_shown:   # the debrief: the map alone under the title, to fit the screen
                self.map_view.value = map_html(self.vignette, w.path, **MAP_STYLE)
                (self.map_view.add_class if self.map_full else self.map_view.remove_class)("pv-map-full")
                self.zoom_button.description = "Map fitted to the screen" if self.map_full else "Map at full size"
                body = [self.map_view]
            for b in (self.reveal_button, self.follow_button, self.count_button):
                b.layout.display = "none"
            self.map_button.layout.display = None
            self.zoom_button.layout.display = None if self.map_shown else "none"
            self.next_button.disabled = self.map_shown
            self.children = [self.header, *body, self.status, self.controls, self.help]
            return
        self.map_button.layout.display = "none"
        self.zoom_button.layout.display = "none"
        self.reveal_button.layout.display = None
        self.follow_button.layout.display = None
        self.count_button.layout.display = None if self.folder is not None else "none"
        n = len(self.scene.choices)
        self.reveal_button.disabled = self.stage >= n
        self.reveal_button.description = ("Reveal consequences" if self.stage == 0 else
                                          f"Reveal the next card ({self.stage} of {n} shown)")
        self.count_button.disabled = self.stage > 0
        self.next_button.disabled = False
        self.scene_view.value = self._scene_html(self.scene)
        self.options_view.value = self._options_html()
        body = [self.scene_view, self.options_view]
        if self.stage == 0:
            body += [self.counts_box, self.mark]
        else:
            self.follow_buttons = []
            shown = self.reveal_order()[:self.stage]
            self.cards.children = [self._card(i, full=(k == len(shown) - 1)) for k, i in enumerate(shown)]
            body.append(self.cards)
        self.children = [self.header, *body, self.status, self.controls, self.help]
