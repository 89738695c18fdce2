"""The branching structure of a vignette, drawn with matplotlib.

    fig = vignette_map("transference/are-you-tired-of-me")
    fig = vignette_map(ref, path=["opening", "explore-the-fear", "understood"])   # a path drawn in

Scenes are nodes laid out left to right by their distance from the start (breadth-first
layers), named by their step from the start and the first words spoken in them (never the
author's scene ids, which would tell a reader where a branch goes). Choices are arrows
coloured AND styled by quality (solid helpful, dashed mixed, dotted harmful); they carry no
letters, because the player shuffles the order of choices and no letter on the map would match
the letter beside an option. Decision scenes are square boxes; endings are rounded, filled
boxes that name their outcome. `path` (scene ids in order: a learner's or the class's way
through) is drawn as a thick blue band with numbered steps. Type is large enough to read on a
projector and when the map is scaled to a 1280 px window (measured in tests/test_projector.py).
Returns the Figure; a notebook displays it.
"""
from __future__ import annotations

import io
import textwrap

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from course.scenes import Vignette, load_vignette

EDGE_STYLE = {
    # quality: (colour, line style, legend label)
    "helpful": ("#15803d", "solid", "helpful choice (solid)"),
    "mixed": ("#b45309", "dashed", "mixed choice (dashed)"),
    "harmful": ("#b91c1c", "dotted", "harmful choice (dotted)"),
}
ENDING_FILL = {"helpful": "#dcfce7", "mixed": "#fef3c7", "harmful": "#fee2e2"}
ENDING_MARK = {"helpful": "✓", "mixed": "◐", "harmful": "✗"}
PATH_COLOUR = "#1d4ed8"
QUOTES = "“”\"' "
FONT = 13          # points; at dpi 100 a 13 pt label is 18 px in the PNG
PROJECTOR_FONT = 15


class MapFigure(Figure):
    """A Figure that shows itself as a PNG when it is a cell's result, whatever the backend
    (it is made without pyplot, so it is never shown twice and never kept open)."""

    vignette: Vignette | None = None

    def _repr_png_(self) -> bytes:
        cached = getattr(self, "_png_cache", None)   # the HTML view embeds the same picture
        if cached is not None:
            return cached
        buf = io.BytesIO()
        self.savefig(buf, format="png", bbox_inches="tight")
        self._png_cache = buf.getvalue()
        return self._png_cache

    def _repr_html_(self) -> str | None:
        """The picture with alternative text, and the whole map in words under a disclosure
        (keyboard operable, read by screen readers): the branches are not only visual."""
        if self.vignette is None:
            return None
        import base64
        import html

        v = self.vignette
        head, rows = describe_map(v)
        png = base64.b64encode(self._repr_png_()).decode("ascii")
        items = "".join(f"<li>{html.escape(r)}</li>" for r in rows)
        return (f'<figure class="vignette-map" style="margin:8px 0">'
                f'<img src="data:image/png;base64,{png}" alt="{html.escape(head, quote=True)}" '
                f'style="max-width:100%;height:auto"/>'
                f"<figcaption><details><summary>The map in words</summary><p>{html.escape(head)}</p>"
                f"<ul>{items}</ul></details></figcaption></figure>")


def describe_map(v: Vignette) -> tuple[str, list[str]]:
    """A one-sentence summary of a vignette's map and one line per scene (start first, in
    the order a reader meets them), for alternative text and the 'in words' list."""
    outcomes = [s.ending.outcome for s in v.scenes.values() if s.is_ending]
    counts = ", ".join(f"{outcomes.count(q)} {q}" for q in EDGE_STYLE if outcomes.count(q))
    n_choices = sum(len(s.choices) for s in v.scenes.values())
    head = (f"Map of \u201c{v.title}\u201d: {len(v.scenes)} scenes, {n_choices} choices, "
            f"{len(outcomes)} ending{'s' if len(outcomes) != 1 else ''} ({counts}).")
    depth = v.depths()
    order = sorted(v.scenes, key=lambda s: (depth.get(s, 10 ** 6), list(v.scenes).index(s)))
    names = scene_names(v)
    rows = []
    if v.start_routes:
        rows.append("Where it starts depends on earlier episodes: " + _routes_in_words(v.start_routes) + ".")
    for sid in order:
        s = v.scenes[sid]
        name = f"{names[sid]} (start)" if sid in v.starts else names[sid]
        if s.is_ending:
            rows.append(f"{name}: an ending, {s.ending.outcome} outcome.")
        else:
            moves = "; ".join(_choice_in_words(c, names) for c in s.choices)
            rows.append(f"{name}: {moves}.")
        shown_if = [ln.when.text for ln in s.lines if ln.when is not None]
        if shown_if:
            rows.append(f"{name} has lines shown only if {' / '.join(_unique_list(shown_if))}.")
    return head, rows


def _unique_list(xs):
    return list(dict.fromkeys(xs))


def _routes_in_words(routes, names=None) -> str:
    names = names or {}
    parts = [f"{names.get(r.scene, r.scene)} if {r.when.text}" if r.when else f"otherwise {names.get(r.scene, r.scene)}"
             for r in routes]
    return ", ".join(parts)


def _first_words(text: str, n: int = 6) -> str:
    words = text.replace("\n", " ").split()
    out = " ".join(words[:n])
    return out + ("…" if len(words) > n else "")


def scene_names(v: Vignette) -> dict[str, str]:
    """A human name for every scene: its step from the start and the first words said in it
    ("Step 2: “I was going to ask…”"); endings name their outcome."""
    depth = v.depths()
    out = {}
    for sid, s in v.scenes.items():
        step = depth.get(sid)
        spoken = next((ln for ln in s.lines if ln.speaker != "narrator"), s.lines[0] if s.lines else None)
        if spoken is None:
            words = ""
        elif spoken.speaker == "narrator":
            words = _first_words(spoken.text)
        else:
            words = "“" + _first_words(spoken.text.strip(QUOTES)) + "”"
        if s.is_ending:
            head = f"{ENDING_MARK[s.ending.outcome]} {s.ending.outcome} ending"
        else:
            head = f"Step {step + 1}" if step is not None else "Unreached scene"
        out[sid] = f"{head}: {words}" if words else head
    return out


def _choice_in_words(c, names=None) -> str:
    names = names or {}
    where = _routes_in_words(c.routes, names) if c.routes else names.get(c.next, c.next)
    text = f"“{_first_words(c.text, 8)}” ({c.quality}) leads to {where}"
    if c.when is not None:
        text += f" (offered only if {c.when.text})"
    if c.sets:
        text += f" (sets {', '.join(c.sets)})"
    return text


def _label(text: str, width: int = 18, lines: int = 3) -> str:
    out = textwrap.wrap(text, width=width)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip(" .,;:") + "…"
    return "\n".join(out)


def layout(v: Vignette) -> dict[str, tuple[float, float]]:
    """(x, y) for each scene: x = breadth-first depth, y spread within the layer, ordered by the
    mean position of the scenes that lead into it (fewer crossings)."""
    depth = v.depths()
    layers: dict[int, list[str]] = {}
    for sid in v.scenes:  # file order first: authors write scenes roughly in story order
        if sid in depth:
            layers.setdefault(depth[sid], []).append(sid)
    parents: dict[str, list[str]] = {}
    for src, _, c in v.edges():
        for t in c.targets:
            if depth.get(src, 99) < depth.get(t, -1):
                parents.setdefault(t, []).append(src)
    pos: dict[str, tuple[float, float]] = {}
    for d in sorted(layers):
        ids = layers[d]
        if d > 0:
            def bary(s):
                ys = [pos[p][1] for p in parents.get(s, []) if p in pos]
                return sum(ys) / len(ys) if ys else 0.0
            ids = sorted(ids, key=lambda s: (-bary(s), v.scenes[s].is_ending))
        n = len(ids)
        for i, sid in enumerate(ids):
            pos[sid] = (float(d), (n - 1) / 2 - i)
    return pos


def vignette_map(ref, ax=None, path: list[str] | None = None, font: float = FONT,
                 min_font: float = 0) -> Figure:
    """Draw the scenes and choices of a vignette (and `path`, the scene ids of a way through it,
    if given); returns the matplotlib Figure. `font`: the labels' size in points (the projector
    view uses PROJECTOR_FONT); the step numbers, conditions and legend are a little smaller, but
    never below `min_font` (the projector's: every label readable across the room)."""
    v = ref if isinstance(ref, Vignette) else load_vignette(ref)
    pos = layout(v)
    names = scene_names(v)
    path = [s for s in (path or []) if s in pos]
    on_path = set(zip(path, path[1:]))
    ncols = int(max(x for x, _ in pos.values())) + 1
    nrows = max(sum(1 for p in pos.values() if p[0] == c) for c in range(ncols))
    if ax is None:
        grow = 1.0 + 0.25 * (font / FONT - 1.0)   # bigger type on a slightly bigger canvas: the type gains
        fig = MapFigure(figsize=(max(8.0, (3.3 * ncols + 0.6) * grow), max(4.5, (1.55 * nrows + 2.2) * grow)), dpi=100)
        fig.vignette = v
        ax = fig.add_subplot()
    else:
        fig = ax.figure

    boxes = {}
    for sid, (x, y) in pos.items():
        s = v.scenes[sid]
        visited = sid in path
        if s.is_ending:
            o = s.ending.outcome
            text = f"{ENDING_MARK[o]} ending: {o}"
            bbox = dict(boxstyle="round,pad=0.5,rounding_size=0.8", facecolor=ENDING_FILL[o],
                        edgecolor=PATH_COLOUR if visited else "#374151", linewidth=4 if visited else 1.2)
        else:
            start_if = {r.scene: r.when for r in v.start_routes}
            mark = ""
            if sid in v.starts:
                when = start_if.get(sid)
                mark = f"\n(start if {when.text})" if when is not None else (
                    "\n(start otherwise)" if v.start_routes else "\n(start)")
            text = _label(names[sid].split(": ", 1)[-1] if ": " in names[sid] else names[sid]) + mark
            text = names[sid].split(": ", 1)[0] + "\n" + text if ": " in names[sid] else text
            bbox = dict(boxstyle="square,pad=0.45", facecolor="white",
                        edgecolor=PATH_COLOUR if visited else "#111827",
                        linewidth=4 if visited else (2.4 if sid in v.starts else 1.2))
        boxes[sid] = ax.text(x, y, text, ha="center", va="center", fontsize=font, zorder=3, bbox=bbox,
                             color="#111827", linespacing=1.15)
    ax.set_xlim(-0.6, ncols - 0.4)
    ax.set_ylim(-nrows / 2 - 0.2, nrows / 2 + 0.2)
    ax.axis("off")
    fig.canvas.draw()  # size the boxes so arrows can stop at their edges

    seen: dict[tuple[str, str], int] = {}
    for src, i, c in v.edges():
        routes = [(r.scene, r.when) for r in c.routes] or [(c.next, None)]
        for target, when in routes:
            if src not in pos or target not in pos:
                continue
            key = (src, target)
            k = seen.get(key, 0)
            seen[key] = k + 1
            backwards = pos[target][0] <= pos[src][0]
            rad = (0.45 if backwards else 0.0) + 0.18 * k * (-1) ** k
            colour, style, _ = EDGE_STYLE[c.quality]
            if (src, target) in on_path:   # the path taken: a wide band under the arrow
                ax.annotate("", xy=pos[target], xytext=pos[src], zorder=0.5,
                            arrowprops=dict(arrowstyle="-", color=PATH_COLOUR, alpha=0.35, linewidth=11,
                                            connectionstyle=f"arc3,rad={rad}",
                                            patchA=boxes[src].get_bbox_patch(), patchB=boxes[target].get_bbox_patch()))
            ax.annotate("", xy=pos[target], xytext=pos[src], zorder=1,
                        arrowprops=dict(arrowstyle="-|>", color=colour, linestyle=style, linewidth=1.8,
                                        mutation_scale=14, connectionstyle=f"arc3,rad={rad}",
                                        patchA=boxes[src].get_bbox_patch(), patchB=boxes[target].get_bbox_patch(),
                                        shrinkA=2, shrinkB=2))
            # the letter sits on the curve's midpoint: arc3 bends it, in display units, by
            # rad/2 times the chord turned a quarter
            (x1, y1), (x2, y2) = ax.transData.transform([pos[src], pos[target]])
            mid = ((x1 + x2) / 2 + rad * (y2 - y1) / 2, (y1 + y2) / 2 - rad * (x2 - x1) / 2)
            mx, my = ax.transData.inverted().transform(mid)
            if (src, target) in on_path and k == 0:   # the step number, once per step
                steps = [n + 1 for n, pair in enumerate(zip(path, path[1:])) if pair == (src, target)]
                ax.text(mx, my, ",".join(str(n) for n in steps), fontsize=max(font - 1, min_font), ha="center", va="center",
                        color="white", zorder=2.5, fontweight="bold",
                        bbox=dict(boxstyle="circle,pad=0.25", facecolor=PATH_COLOUR, edgecolor=PATH_COLOUR))
            elif c.when is not None:   # offered only on some paths
                ax.text(mx, my, "*", fontsize=font, ha="center", va="center", color=colour, zorder=2,
                        fontweight="bold")
            if c.routes:   # a conditional route says its condition on the arrow
                ax.text(mx, my - 0.22, f"if {when.text}" if when else "otherwise", fontsize=max(font - 3, min_font), ha="center",
                        va="top", color="#374151", zorder=2, style="italic")

    handles = [Line2D([], [], color=col, linestyle=ls, linewidth=2, label=lab) for col, ls, lab in EDGE_STYLE.values()]
    handles += [Patch(facecolor="white", edgecolor="#111827", label="scene with choices (square)"),
                Patch(facecolor=ENDING_FILL["mixed"], edgecolor="#374151", label="ending (rounded, outcome named)")]
    if path:
        handles.append(Line2D([], [], color=PATH_COLOUR, alpha=0.5, linewidth=8, label="the path taken (numbered steps)"))
    if v.is_conditional:
        handles.append(Line2D([], [], color="none", label="* offered only on some paths; 'if ...' = route set by earlier choices"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=2, fontsize=max(font - 1, min_font),
              frameon=False)
    ax.set_title(f"{v.title} · {len(v.scenes)} scenes, each arrow a choice", fontsize=font + 2)
    fig.tight_layout()
    return fig
