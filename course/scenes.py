"""Vignettes: the model, the loader, the validator and a pure walk through the branches.

A vignette is a YAML file under `course/content/vignettes/<module>/<id>.yml` (the format is
described in docs/authoring-vignettes.md). This module has no widgets in it:

    v = load_vignette("transference/are-you-tired-of-me")   # validated, cached
    w = Walk(v)
    w.scene.lines, w.scene.choices
    w.choose(0)            # -> the Choice made; w.scene is now the next scene
    w.back(); w.restart()
    w.is_ending, w.path, w.concepts, w.codes

`validate_files(paths)` checks files for `course validate` and reports every problem as
`path:line: what is wrong; how to fix it`, all problems in one run; it never raises.
`load_vignette` runs the same checks and refuses a file with problems, so a broken vignette
never reaches a learner.
"""
from __future__ import annotations

import difflib
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course import paths
from course.errors import CourseError
from course.validation import Report
from course.yamlio import YamlError, load_yaml

QUALITIES = ("helpful", "mixed", "harmful")
SPEAKERS = ("client", "counselor", "narrator")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_CHOICES = 2
MAX_CHOICES = 8  # lettered A-H in discussion mode and on the map

TOP_KEYS = {"id", "title", "module", "objectives", "content_note", "client", "start", "scenes", "flags", "case"}
REQUIRED_TOP = ("id", "title", "module", "objectives", "client", "start", "scenes")
CLIENT_KEYS = {"name", "age", "pronouns", "presenting_concern", "context"}
REQUIRED_CLIENT = ("name", "presenting_concern", "context")
SCENE_KEYS = {"lines", "inner_reaction", "choices", "ending"}
LINE_KEYS = {"speaker", "text", "when"}
CHOICE_KEYS = {"text", "next", "quality", "feedback", "concepts", "codes", "when", "sets"}
ROUTE_KEYS = {"when", "scene"}
CASE_KEYS = {"id", "episode"}
MAX_EXPLORED_STATES = 50_000   # a guard for the condition analysis; shipped cases use a few hundred
ENDING_KEYS = {"outcome", "summary", "reflection"}


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """A condition on flags, e.g. `told-end-date and not followed-online` (see parse_condition)."""
    text: str
    tree: tuple = field(compare=False, repr=False)

    def holds(self, flags) -> bool:
        return _eval(self.tree, flags)

    @property
    def flags(self) -> list[str]:
        return _tree_flags(self.tree)


def _holds(cond: "Condition | None", flags) -> bool:
    return cond is None or cond.holds(flags)


@dataclass(frozen=True)
class Route:
    """One way a choice (or the start) can go: to `scene`, when `when` holds (None: always)."""
    scene: str
    when: Condition | None = None


@dataclass(frozen=True)
class Line:
    speaker: str  # client | counselor | narrator
    text: str
    when: Condition | None = None


@dataclass(frozen=True)
class Choice:
    text: str
    next: str                     # where it leads (with conditional routes: the fallback)
    quality: str
    feedback: str
    concepts: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    when: Condition | None = None           # offered only when this holds
    sets: tuple[str, ...] = ()              # flags this choice sets
    routes: tuple[Route, ...] = ()          # conditional `next:`; empty for a plain next

    @property
    def targets(self) -> list[str]:
        """Every scene this choice can lead to."""
        return _unique([r.scene for r in self.routes] or [self.next])

    def target(self, flags) -> str:
        """The scene this choice leads to once its own flags are set on top of `flags`."""
        after = set(flags) | set(self.sets)
        for r in self.routes:
            if _holds(r.when, after):
                return r.scene
        return self.next


@dataclass(frozen=True)
class Ending:
    outcome: str
    summary: str
    reflection: str


@dataclass(frozen=True)
class Scene:
    id: str
    lines: tuple[Line, ...]
    choices: tuple[Choice, ...] = ()
    inner_reaction: str | None = None
    ending: Ending | None = None

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True)
class Client:
    name: str
    presenting_concern: str
    context: str
    age: int | str | None = None
    pronouns: str | None = None


@dataclass(frozen=True)
class Vignette:
    id: str
    title: str
    module: str
    objectives: tuple[str, ...]
    client: Client
    start: str
    scenes: dict[str, Scene]
    content_note: str | None = None
    path: Path | None = field(default=None, compare=False)
    flags: dict[str, str] = field(default_factory=dict, compare=False)   # flag -> what it records
    case: str | None = None           # episodes of one case share their flags
    episode: int | None = None
    start_routes: tuple[Route, ...] = ()   # conditional `start:`; empty for a plain start

    @property
    def ref(self) -> str:
        return f"{self.module}/{self.id}"

    @property
    def starts(self) -> list[str]:
        """Every scene the vignette can start at."""
        return _unique([r.scene for r in self.start_routes] or [self.start])

    def start_for(self, flags) -> str:
        for r in self.start_routes:
            if _holds(r.when, flags):
                return r.scene
        return self.start

    @property
    def is_conditional(self) -> bool:
        return bool(self.flags or self.start_routes or any(
            c.when or c.routes or c.sets for s in self.scenes.values() for c in s.choices)
            or any(ln.when for s in self.scenes.values() for ln in s.lines))

    def scene(self, scene_id: str) -> Scene:
        return self.scenes[scene_id]

    def edges(self) -> list[tuple[str, int, Choice]]:
        """Every choice as (from scene id, choice index, choice), in file order."""
        return [(s.id, i, c) for s in self.scenes.values() for i, c in enumerate(s.choices)]

    def depths(self) -> dict[str, int]:
        """Breadth-first distance of each reachable scene from the start (every conditional
        start and route counted)."""
        return _bfs(self.starts, {s.id: [t for c in s.choices for t in c.targets] for s in self.scenes.values()})


# --------------------------------------------------------------------------------------------
# Conditions: `flag`, `not flag`, `a and b`, `a or b`, parentheses (`not` binds tightest, then
# `and`, then `or`, as in Python). Flags are lowercase-with-hyphens names declared under `flags:`.
# --------------------------------------------------------------------------------------------
class ConditionError(ValueError):
    """A condition that cannot be read; `fix` says how to write it."""

    def __init__(self, what: str, fix: str):
        super().__init__(what)
        self.what, self.fix = what, fix


_TOKEN_RE = re.compile(r"\s*(\(|\)|[A-Za-z0-9_-]+|&&|\|\||[^\sA-Za-z0-9_()-]+)")
_WORDS = {"and", "or", "not"}
_FOREIGN = {"&&": "and", "&": "and", "||": "or", "|": "or", "!": "not", "~": "not", ",": "and"}


def parse_condition(text) -> Condition:
    """Read a condition; ConditionError (with a fix) if it cannot be read."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("the condition is empty" if not isinstance(text, (int, float, list, dict)) or text is None
                             else f"the condition {_shape(text)}, not text",
                             "write it as text, e.g. when: \"told-end-date and not followed-online\"")
    tokens = _TOKEN_RE.findall(text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def atom():
        t = peek()
        if t is None:
            raise ConditionError(f"the condition '{text}' ends where a flag name is expected",
                                 "finish it with a flag name, or remove the last 'and', 'or' or 'not'")
        if t == "(":
            take()
            inner = disj()
            if peek() != ")":
                raise ConditionError(f"the condition '{text}' opens a parenthesis it does not close",
                                     "add the missing ')'")
            take()
            return inner
        if t.lower() == "not":
            take()
            return ("not", atom())
        if t.lower() in ("and", "or") or t == ")":
            raise ConditionError(f"the condition '{text}' has '{t}' where a flag name is expected",
                                 "put a flag name on each side of 'and' and 'or'")
        if t in _FOREIGN:
            raise ConditionError(f"the condition '{text}' uses '{t}'",
                                 f"write the word '{_FOREIGN[t]}' instead")
        if not ID_RE.match(t):
            raise ConditionError(f"the condition '{text}' has '{t}', which is not a flag name",
                                 "flag names are lowercase-with-hyphens; combine them with and, or, not and parentheses")
        take()
        return ("flag", t)

    def conj():
        node = atom()
        while peek() is not None and peek().lower() == "and":
            take()
            node = ("and", node, atom())
        return node

    def disj():
        node = conj()
        while peek() is not None and peek().lower() == "or":
            take()
            node = ("or", node, conj())
        return node

    tree = disj()
    if peek() is not None:
        t = peek()
        if t in _FOREIGN:
            raise ConditionError(f"the condition '{text}' uses '{t}'", f"write the word '{_FOREIGN[t]}' instead")
        if t == ")":
            raise ConditionError(f"the condition '{text}' closes a parenthesis it never opened", "remove the extra ')'")
        raise ConditionError(f"the condition '{text}' has '{t}' after a complete condition",
                             "join flags with 'and' or 'or', e.g. \"a and b\"")
    return Condition(text=text.strip(), tree=tree)


def _eval(tree: tuple, flags) -> bool:
    op = tree[0]
    if op == "flag":
        return tree[1] in flags
    if op == "not":
        return not _eval(tree[1], flags)
    if op == "and":
        return _eval(tree[1], flags) and _eval(tree[2], flags)
    return _eval(tree[1], flags) or _eval(tree[2], flags)


def _tree_flags(tree: tuple) -> list[str]:
    if tree[0] == "flag":
        return [tree[1]]
    return _unique(f for sub in tree[1:] for f in _tree_flags(sub))


# --------------------------------------------------------------------------------------------
# Walking a vignette (pure state machine; the player and the tests drive it)
# --------------------------------------------------------------------------------------------
class Walk:
    """Where a learner is in a vignette, how they got there, and which flags their choices set.

    `flags` seeds the flags carried in from earlier episodes of the same case. `scene` is the
    current scene as the learner meets it: only the lines and choices whose `when:` holds, each
    choice's `next` resolved for the flags it would leave behind. `choose(i)` takes an index into
    those offered choices."""

    def __init__(self, vignette: Vignette, flags=()):
        self.vignette = vignette
        self.initial_flags: frozenset[str] = frozenset(flags)
        self.flags: set[str] = set(self.initial_flags)
        # for each choice made: (the scene as it was shown, choice index, flags before it)
        self._steps: list[tuple[Scene, int, frozenset[str]]] = []
        self.current: str = vignette.start_for(self.flags)
        self.listeners: list = []   # called as listener(walk) after every move (choose, back, restart)

    def _moved(self) -> None:
        for fn in list(self.listeners):
            fn(self)

    @property
    def scene(self) -> Scene:
        return resolve_scene(self.vignette.scenes[self.current], self.flags)

    @property
    def is_ending(self) -> bool:
        return self.vignette.scenes[self.current].is_ending

    @property
    def ending(self) -> Ending | None:
        return self.vignette.scenes[self.current].ending

    @property
    def can_go_back(self) -> bool:
        return bool(self._steps)

    @property
    def flags_set(self) -> list[str]:
        """Flags set by the choices on this path (not those carried in), in declaration order."""
        mine = self.flags - self.initial_flags
        order = list(self.vignette.flags)
        return sorted(mine, key=lambda f: (order.index(f) if f in order else len(order), f))

    def choose(self, index: int) -> Choice:
        if self.is_ending:
            raise CourseError("This path has reached its ending, so there is nothing left to choose.",
                              hint="Go back a step or start again to explore another branch.")
        scene = self.scene
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(scene.choices):
            raise CourseError(f"There is no choice number {index} in this scene.",
                              hint=f"Pick a number from 0 to {len(scene.choices) - 1}.")
        choice = scene.choices[index]
        self._steps.append((scene, index, frozenset(self.flags)))
        self.flags |= set(choice.sets)
        self.current = choice.next           # already resolved for the flags just set
        self._moved()
        return choice

    def back(self) -> str | None:
        """Undo the last choice; returns the scene id returned to, or None at the start."""
        if not self._steps:
            return None
        scene, _, before = self._steps.pop()
        self.current, self.flags = scene.id, set(before)
        self._moved()
        return self.current

    def restart(self) -> None:
        self._steps.clear()
        self.flags = set(self.initial_flags)
        self.current = self.vignette.start_for(self.flags)
        self._moved()

    @property
    def steps(self) -> list[tuple[Scene, int, Choice]]:
        """The choices made so far: (scene as shown, choice index, choice)."""
        return [(s, i, s.choices[i]) for s, i, _ in self._steps]

    @property
    def last_choice(self) -> Choice | None:
        return self.steps[-1][2] if self._steps else None

    @property
    def path(self) -> list[str]:
        """Scene ids visited, from the start to the current scene."""
        return [s.id for s, _, _ in self._steps] + [self.current]

    @property
    def concepts(self) -> list[str]:
        return _unique(t for _, _, c in self.steps for t in c.concepts)

    @property
    def codes(self) -> list[str]:
        return _unique(t for _, _, c in self.steps for t in c.codes)


def resolve_scene(scene: Scene, flags) -> Scene:
    """The scene as met with these flags: lines and choices whose `when:` holds, and each
    choice's `next` resolved (its routes dropped). A scene without conditions comes back as is."""
    if not any(ln.when for ln in scene.lines) and not any(c.when or c.routes for c in scene.choices):
        return scene
    from dataclasses import replace

    lines = tuple(ln for ln in scene.lines if _holds(ln.when, flags))
    choices = tuple(replace(c, next=c.target(flags), routes=(), when=None)
                    for c in scene.choices if _holds(c.when, flags))
    return replace(scene, lines=lines, choices=choices)


def _unique(items) -> list:
    seen: dict = {}
    for x in items:
        seen.setdefault(x, None)
    return list(seen)


# --------------------------------------------------------------------------------------------
# Finding and loading
# --------------------------------------------------------------------------------------------
def list_vignettes(root: Path | None = None) -> list[str]:
    """Refs ("<module>/<id>") of the vignettes shipped under `root` (default: the course's)."""
    root = Path(root or paths.VIGNETTES_DIR)
    if not root.is_dir():
        return []
    return sorted(f"{p.parent.name}/{p.stem}" for p in root.glob("*/*.y*ml") if p.suffix in (".yml", ".yaml"))


def _normalize_ref(text: str) -> str:
    """Forgive the usual ways of mistyping a ref: case, spaces, '\\' or '.' for '/', '_' for '-',
    a trailing .yml and surrounding quotes or slashes."""
    t = text.strip().strip("'\"").strip().replace("\\", "/").strip("/")
    for suffix in (".yml", ".yaml"):
        if t.lower().endswith(suffix):
            t = t[: -len(suffix)]
    t = t.lower().replace("_", "-").replace(" ", "-")
    if "/" not in t and "." in t:
        t = t.replace(".", "/", 1)
    return t


def resolve(ref: str | Path) -> Path:
    """The file behind a ref ("<module>/<id>") or a path; CourseError with guidance if none.

    Forgiving about case, '_' for '-', '\\' or '.' for '/', a trailing '.yml' and a bare id
    (when only one module has it); anything else gets a plain message with the closest match."""
    if isinstance(ref, Path) or (isinstance(ref, str) and ref.strip().endswith((".yml", ".yaml"))):
        p = Path(str(ref).strip())
        if p.is_file():
            return p
        if isinstance(ref, Path) or p.is_absolute() or str(ref).strip().startswith(".") or len(p.parts) > 2:
            raise CourseError(f"There is no vignette file at '{ref}'.",
                              hint="Check the path; it is relative to the folder the notebook or command runs in.")
    available = list_vignettes()
    shown = ", ".join(available) or "none yet"
    if not isinstance(ref, str):
        raise CourseError(f"play() needs the vignette's name in quotes, not {ref!r}.",
                          hint=f"For example: play(\"{available[0] if available else 'transference/are-you-tired-of-me'}\"). "
                               f"Available: {shown}.")
    text = _normalize_ref(ref)
    if not text:
        raise CourseError("No vignette was named.",
                          hint=f"Put its name in quotes, as \"<module>/<id>\". Available: {shown}.")
    if "/" not in text:
        matches = [r for r in available if r.split("/", 1)[1] == text]
        if len(matches) == 1:  # a bare id is enough when only one module has it
            text = matches[0]
        else:
            in_module = [r for r in available if r.split("/", 1)[0] == text]
            if in_module:
                raise CourseError(f"'{ref}' is a module; name one of its vignettes.",
                                  hint=f"Its vignettes: {', '.join(in_module)}.")
    if "/" in text and text in available:
        for suffix in (".yml", ".yaml"):
            p = paths.VIGNETTES_DIR / f"{text}{suffix}"
            if p.is_file():
                return p
    close = difflib.get_close_matches(text, available, n=1) or difflib.get_close_matches(
        text, [r.split("/", 1)[1] for r in available], n=1)
    if close and "/" not in close[0]:
        close = [r for r in available if r.endswith("/" + close[0])][:1]
    guess = f"Did you mean '{close[0]}'? " if close else ""
    raise CourseError(
        f"There is no vignette called '{ref}'.",
        hint=f"{guess}Write it as \"<module>/<id>\"; available: {shown}.",
    )


_CACHE: dict[Path, tuple[tuple[int, int], Vignette]] = {}


def load_vignette(ref: str | Path) -> Vignette:
    """Load and validate a vignette; cached until the file changes. Raises CourseError listing
    every `file:line` problem if the file is invalid."""
    path = resolve(ref).resolve()
    st = path.stat()
    mtime = (st.st_mtime_ns, st.st_size)  # size too, in case the clock is coarse
    hit = _CACHE.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    report = Report()
    vignette = _check_file(path, report)
    if report.problems or vignette is None:
        listing = "\n".join(f"  {p}" for p in report.problems)
        n = len(report.problems)
        raise CourseError(
            f"The vignette file {path.name} has {n} problem{'s' if n != 1 else ''} and cannot be played:\n{listing}\n",
            hint=f"Fix them (run `course validate {path}` to check again).",
        )
    _CACHE[path] = (mtime, vignette)
    return vignette


# --------------------------------------------------------------------------------------------
# Reading a content file safely: course.yamlio.load_yaml does every check (shared with
# course.questions and course.case, and with the rubric, item, code and lens loaders)
# --------------------------------------------------------------------------------------------
read_content_file = load_yaml


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------
def validate_files(files: list[Path]) -> Report:
    """Check vignette files; every problem in one run; never raises on bad input."""
    report = Report()
    ids: dict[str, list[tuple[Path, int]]] = {}
    for f in files:
        f = Path(f)
        try:
            _check_file(f, report, ids=ids)
        except Exception as exc:  # a validator must never crash on bad input
            report.add(f, 1, f"the file could not be checked ({type(exc).__name__}: {exc})",
                       "report this to the course maintainers along with the file")
    _check_duplicate_ids(files, ids, report)
    return report


def _check_duplicate_ids(files, ids: dict[str, list[tuple[Path, int]]], report: Report) -> None:
    """A vignette id is what progress records use, so it must be unique across the course."""
    given = {Path(f).resolve() for f in files}
    # include the shipped tree so that a new file cannot reuse a shipped id
    for p in sorted(paths.VIGNETTES_DIR.glob("*/*.y*ml")):
        if p.resolve() in given:
            continue
        try:
            data, lines = load_yaml(p)
        except YamlError:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            ids.setdefault(data["id"], []).append((p, lines.near(("id",))))
    for vid, where in ids.items():
        mine = [(p, ln) for p, ln in where if Path(p).resolve() in given]
        if len(where) < 2:
            continue
        for p, ln in mine:
            others = ", ".join(str(q) for q, _ in where if q != p)
            report.add(p, ln, f"the vignette id '{vid}' is also used by {others}",
                       "give each vignette its own id (and rename the file to match)")


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _shape(value) -> str:
    """What a value that should have been something else is, in an author's words."""
    if value is None:
        return "is empty"
    if isinstance(value, bool):
        return f"is {str(value).lower()} (YAML reads yes/no/on/off/true/false that way)"
    if isinstance(value, (int, float)):
        return f"is the number {value}"
    if isinstance(value, list):
        return "is a list"
    if isinstance(value, dict):
        return "is a block of fields"
    if isinstance(value, str):
        return "is blank" if not value.strip() else f"is '{value}'"
    return f"is {value} (read as a {type(value).__name__})"


def _missing_text(f, report: Report, line: int, where: str, field_: str, value, fix: str) -> bool:
    """Report a field that must be text; True when it is fine. A missing field says so; a
    number, date, list or yes/no says what it is and to quote it."""
    if _text(value):
        return True
    if value is None or (isinstance(value, str) and not value.strip()):
        report.add(f, line, f"{where} has no {field_}", fix)
    else:
        report.add(f, line, f"{where}: '{field_}' must be text, but it {_shape(value)}",
                   f"put it in quotes: {field_}: \"...\"")
    return False


def _check_keys(f, node: dict, allowed: set[str], where: str, keypath: tuple, lines, report: Report) -> None:
    for k in node:
        if k not in allowed:
            report.add(f, lines.near(keypath + (k,)), f"{where} has an unknown field '{k}'{_did_you_mean(k, allowed)}",
                       f"use only: {', '.join(sorted(allowed))}")


def _check_file(f: Path, report: Report, *, ids: dict | None = None) -> Vignette | None:
    """Check one file, adding problems to `report`; return the Vignette if it could be built."""
    f = Path(f)
    try:
        data, lines = _read_cached(f)
    except YamlError as exc:
        report.add(exc.path, exc.line, exc.message, "fix the YAML, then run course validate again")
        return None
    if not isinstance(data, dict):
        report.add(f, lines.near(()), f"a vignette file must be a block of fields (id, title, module, ...), "
                   f"but this one {_shape(data)}", "start from a shipped vignette (see docs/authoring-vignettes.md)")
        return None
    n_before = len(report.problems)
    report.count("vignettes")
    if isinstance(data.get("scenes"), dict):
        report.count("scenes", len(data["scenes"]))
    from course.codes import load_codes, load_concepts, module_ids

    codes, concepts, modules = load_codes(), load_concepts(), module_ids()

    _check_keys(f, data, TOP_KEYS, "the vignette", (), lines, report)
    for k in REQUIRED_TOP:
        if k not in data or data[k] in (None, "", [], {}):
            report.add(f, lines.near((k,)), f"the vignette has no '{k}'", f"add '{k}:' at the top level")

    vid = data.get("id")
    if vid is not None:
        if not isinstance(vid, str) or not ID_RE.match(vid):
            report.add(f, lines.near(("id",)), f"the id '{vid}' is not lowercase-with-hyphens",
                       "use an id like are-you-tired-of-me")
        elif vid != f.stem:
            report.add(f, lines.near(("id",)), f"the id '{vid}' does not match the file name '{f.name}'",
                       f"rename the file to {vid}.yml or set id: {f.stem}")
        if ids is not None and isinstance(vid, str):
            ids.setdefault(vid, []).append((f, lines.near(("id",))))
    for k in ("title", "content_note"):
        if data.get(k) is not None and not _text(data.get(k)):
            report.add(f, lines.near((k,)), f"'{k}' must be text", f"write {k}: \"...\" in quotes")

    module = data.get("module")
    if module is not None:
        if module not in modules:
            report.add(f, lines.near(("module",)), f"unknown module '{module}'{_did_you_mean(module, modules)}",
                       f"use one of: {', '.join(modules)}")
        elif module != f.parent.name:
            report.add(f, lines.near(("module",)),
                       f"module '{module}' does not match the folder '{f.parent.name}'",
                       f"move the file to vignettes/{module}/ or set module: {f.parent.name}")

    objectives = data.get("objectives")
    if objectives is not None and (not isinstance(objectives, list) or not objectives
                                   or not all(_text(o) for o in objectives)):
        report.add(f, lines.near(("objectives",)), "'objectives' must be a list of one or more sentences",
                   "write each objective on its own '- ' line")

    client = data.get("client")
    if client is not None:
        if not isinstance(client, dict):
            report.add(f, lines.near(("client",)), "'client' must be a block of fields",
                       "give it name, age, presenting_concern and context")
        else:
            _check_keys(f, client, CLIENT_KEYS, "the client", ("client",), lines, report)
            for k in REQUIRED_CLIENT:
                _missing_text(f, report, lines.near(("client", k)), "the client", k, client.get(k),
                              f"add '{k}:' under client")

    raw_scenes = data.get("scenes")
    scenes_ok = isinstance(raw_scenes, dict) and bool(raw_scenes)
    if raw_scenes is not None and not scenes_ok:
        report.add(f, lines.near(("scenes",)), "'scenes' must be a block of named scenes",
                   "write each scene as '  scene-id:' under scenes")
    scene_ids = list(raw_scenes) if scenes_ok else []

    ctx = _FlagContext(f, data, lines, report)

    start = data.get("start")
    start_routes: tuple[Route, ...] = ()
    if isinstance(start, list) and start and all(isinstance(r, dict) for r in start):
        start_routes = _check_routes(f, start, ("start",), "start", lines, report, scene_ids, ctx)
        start = start_routes[-1].scene if start_routes and start_routes[-1].when is None else None
    elif start is not None and not isinstance(start, str):
        report.add(f, lines.near(("start",)), f"'start' must name one scene, but it {_shape(start)}",
                   "write start: followed by the first scene's id (or, in a case, a list of routes: "
                   "'- when: ...' with 'scene: ...', the last without when)")
        start = None
    elif start is not None and scenes_ok and start not in raw_scenes:
        report.add(f, lines.near(("start",)), f"start names a scene '{start}' that does not exist"
                   f"{_did_you_mean(start, scene_ids)}", "set start: to the id of the first scene")

    built: dict[str, Scene] = {}
    graph: dict[str, list[str]] = {}
    dead_or_broken: set[str] = set()
    for sid, raw in (raw_scenes.items() if scenes_ok else []):
        kp = ("scenes", sid)
        scene = _check_scene(f, sid, raw, kp, lines, report, scene_ids, codes, concepts, ctx)
        # the graph follows every 'next' that names a scene, even in a choice with other
        # mistakes, so that one mistake does not make the rest of the tree look unreachable
        raw_choices = raw.get("choices") if isinstance(raw, dict) else None
        raw_choices = raw_choices if isinstance(raw_choices, list) else []
        targets = [t for c in raw_choices if isinstance(c, dict) for t in _raw_targets(c.get("next"))]
        graph[sid] = [t for t in targets if isinstance(t, str) and t in raw_scenes]
        if scene is None:
            dead_or_broken.add(sid)
            continue
        built[sid] = scene
        n_targets = sum(len(_raw_targets(c.get("next"))) for c in raw_choices if isinstance(c, dict))
        if not scene.is_ending and (not scene.choices or len(graph[sid]) < n_targets):
            dead_or_broken.add(sid)

    starts = [r.scene for r in start_routes if r.scene in (raw_scenes or {})] if start_routes else [start]
    if scenes_ok and starts and all(st in raw_scenes for st in starts if st is not None) and None not in starts:
        _check_graph(f, starts, raw_scenes, graph, built, dead_or_broken, lines, report)
    ctx.finish()

    if len(report.problems) > n_before or not scenes_ok:
        return None
    c = data["client"]
    vignette = Vignette(
        id=vid, title=data["title"], module=module,
        objectives=tuple(objectives), start=start, scenes=built, content_note=data.get("content_note"),
        client=Client(name=c["name"], presenting_concern=c["presenting_concern"], context=c["context"],
                      age=c.get("age"), pronouns=c.get("pronouns")),
        path=f, flags=dict(ctx.own_text), case=ctx.case_id, episode=ctx.episode, start_routes=start_routes,
    )
    if vignette.is_conditional:
        _check_conditions(f, vignette, ctx, lines, report)
        if len(report.problems) > n_before:
            return None
    return vignette


def _check_scene(f, sid, raw, kp, lines, report, scene_ids, codes, concepts, ctx=None) -> Scene | None:
    n_before = len(report.problems)
    line = lines.near(kp)
    if not isinstance(sid, str):
        report.add(f, line, f"the scene id {sid} {_shape(sid)}, not a name",
                   "give the scene a lowercase-with-hyphens name, e.g. explore-the-question")
    elif not ID_RE.match(sid):
        report.add(f, line, f"the scene id '{sid}' is not lowercase-with-hyphens", "rename it, e.g. explore-the-question")
    if not isinstance(raw, dict):
        report.add(f, line, f"scene '{sid}' must be a block with lines and choices (or an ending)",
                   "see docs/authoring-vignettes.md for the shape of a scene")
        return None
    _check_keys(f, raw, SCENE_KEYS, f"scene '{sid}'", kp, lines, report)

    raw_lines = raw.get("lines")
    built_lines: list[Line] = []
    if not isinstance(raw_lines, list) or not raw_lines:
        report.add(f, lines.near(kp + ("lines",)), f"scene '{sid}' has no lines",
                   "add 'lines:' with at least one '- speaker: ... text: ...'")
    else:
        for i, ln in enumerate(raw_lines):
            lkp = kp + ("lines", i)
            if not isinstance(ln, dict):
                report.add(f, lines.near(lkp), f"line {i + 1} of scene '{sid}' needs a speaker and a text",
                           "write it as '- speaker: client' with 'text: \"...\"' under it")
                continue
            _check_keys(f, ln, LINE_KEYS, f"line {i + 1} of scene '{sid}'", lkp, lines, report)
            if ln.get("speaker") not in SPEAKERS:
                report.add(f, lines.near(lkp + ("speaker",)),
                           f"line {i + 1} of scene '{sid}' has speaker '{ln.get('speaker')}'"
                           f"{_did_you_mean(ln.get('speaker'), SPEAKERS)}", f"use one of: {', '.join(SPEAKERS)}")
            when = None
            if "when" in ln and ctx is not None:
                when = ctx.condition(ln["when"], lkp + ("when",), f"line {i + 1} of scene '{sid}'")
            if _missing_text(f, report, lines.near(lkp + ("text",)), f"line {i + 1} of scene '{sid}'", "text",
                             ln.get("text"), "add 'text: \"...\"'"):
                built_lines.append(Line(str(ln.get("speaker")), ln["text"], when))

    inner = raw.get("inner_reaction")
    if inner is not None and not _text(inner):
        report.add(f, lines.near(kp + ("inner_reaction",)), f"the inner_reaction of scene '{sid}' is empty",
                   "write it as text or remove the field")

    has_choices = "choices" in raw and raw["choices"] not in (None, [])
    has_ending = "ending" in raw and raw["ending"] is not None
    ending = None
    choices: list[Choice] = []
    if has_choices and has_ending:
        report.add(f, lines.near(kp + ("ending",)), f"scene '{sid}' has both choices and an ending",
                   "an ending scene has no choices: remove one of them")
    if not has_choices and not has_ending:
        report.add(f, line, f"scene '{sid}' is a dead end: it has no choices and is not an ending",
                   "add 'choices:' (at least 2) or an 'ending:' with outcome, summary and reflection")
    if has_ending:
        ending = _check_ending(f, sid, raw["ending"], kp + ("ending",), lines, report)
    if has_choices:
        raw_choices = raw["choices"]
        if not isinstance(raw_choices, list):
            report.add(f, lines.near(kp + ("choices",)), f"the choices of scene '{sid}' must be a list",
                       "start each choice with '- text:'")
        else:
            if len(raw_choices) > MAX_CHOICES:
                report.add(f, lines.near(kp + ("choices",)),
                           f"scene '{sid}' offers {len(raw_choices)} choices; at most {MAX_CHOICES} fit the player",
                           "split the decision into two scenes")
            if len(raw_choices) < MIN_CHOICES and not has_ending:
                report.add(f, lines.near(kp + ("choices",)),
                           f"scene '{sid}' offers only {len(raw_choices)} choice; a decision needs at least {MIN_CHOICES}",
                           "add more choices (shipped vignettes offer 3 or more)")
            texts: dict[str, int] = {}
            for i, rc in enumerate(raw_choices):
                c = _check_choice(f, sid, i, rc, kp + ("choices", i), lines, report, scene_ids, codes, concepts, ctx)
                if c is not None:
                    choices.append(c)
                    if c.text.strip() in texts:
                        report.add(f, lines.near(kp + ("choices", i, "text")),
                                   f"choices {texts[c.text.strip()] + 1} and {i + 1} of scene '{sid}' have the same text",
                                   "make each choice's text different so learners can tell them apart")
                    texts.setdefault(c.text.strip(), i)
    if len(report.problems) > n_before:
        return None
    return Scene(id=sid, lines=tuple(built_lines), choices=tuple(choices),
                 inner_reaction=inner, ending=ending)


def _check_ending(f, sid, raw, kp, lines, report) -> Ending | None:
    if not isinstance(raw, dict):
        report.add(f, lines.near(kp), f"the ending of scene '{sid}' must be a block",
                   "give it outcome, summary and reflection")
        return None
    n_before = len(report.problems)
    _check_keys(f, raw, ENDING_KEYS, f"the ending of scene '{sid}'", kp, lines, report)
    if raw.get("outcome") not in QUALITIES:
        report.add(f, lines.near(kp + ("outcome",)),
                   f"the ending of scene '{sid}' has outcome '{raw.get('outcome')}'"
                   f"{_did_you_mean(raw.get('outcome'), QUALITIES)}", f"use one of: {', '.join(QUALITIES)}")
    for k, fix in (("summary", "say in 1-3 sentences what this path showed"),
                   ("reflection", "add a reflection prompt (never ask learners to disclose their own history)")):
        _missing_text(f, report, lines.near(kp + (k,)), f"the ending of scene '{sid}'", k, raw.get(k),
                      f"add '{k}:'; {fix}")
    if len(report.problems) > n_before:
        return None
    return Ending(raw["outcome"], raw["summary"], raw["reflection"])


def _tags(f, value, key, what, registry: dict, kp, lines, report, required: bool, where: str) -> tuple[str, ...]:
    if value is None or value == []:
        if required:
            report.add(f, lines.near(kp), f"{where} has no {key}",
                       f"add '{key}: [...]' with at least one tag from course/content/concepts.yml")
        return ()
    if isinstance(value, str):
        report.add(f, lines.near(kp + (key,)), f"{where}: '{key}' must be a list, but it is the text '{value}'",
                   f"put it in square brackets: {key}: [{value}]")
        return ()
    if not isinstance(value, list):
        report.add(f, lines.near(kp + (key,)), f"{where}: '{key}' must be a list, but it {_shape(value)}",
                   f"write {key}: [a, b]")
        return ()
    for j, tag in enumerate(value):
        if not isinstance(tag, str):
            report.add(f, lines.near(kp + (key, j)), f"{where}: entry {j + 1} of '{key}' {_shape(tag)}, not an id",
                       f"write {key}: [a, b] with ids from course/content/{'concepts' if key == 'concepts' else 'codes'}.yml")
        elif tag not in registry:
            report.add(f, lines.near(kp + (key, j)), f"{where} names an unknown {what} '{tag}'"
                       f"{_did_you_mean(tag, registry)}",
                       f"use an id from course/content/{'concepts' if key == 'concepts' else 'codes'}.yml or add one there")
    return tuple(str(t) for t in value)


def _raw_targets(nxt) -> list:
    """The scene names a raw `next:` (a name, or a list of {when, scene}) points at."""
    if isinstance(nxt, list):
        return [r.get("scene") for r in nxt if isinstance(r, dict) and isinstance(r.get("scene"), str)]
    return [nxt] if isinstance(nxt, str) else []


def _check_routes(f, raw, kp, where, lines, report, scene_ids, ctx) -> tuple[Route, ...]:
    """A conditional `next:` or `start:`: a list of {when, scene}, the last one without `when`."""
    routes: list[Route] = []
    if not raw:
        report.add(f, lines.near(kp), f"{where} has an empty list of routes",
                   "give it '- when: ...' / 'scene: ...' entries and end with '- scene: ...' (no when)")
        return ()
    ok = True
    for j, r in enumerate(raw):
        rkp = kp + (j,)
        if not isinstance(r, dict):
            report.add(f, lines.near(rkp), f"route {j + 1} of {where} must be a block with when and scene",
                       "write it as '- when: \"flag\"' with 'scene: scene-id' under it")
            ok = False
            continue
        _check_keys(f, r, ROUTE_KEYS, f"route {j + 1} of {where}", rkp, lines, report)
        scene = r.get("scene")
        if not isinstance(scene, str):
            report.add(f, lines.near(rkp), f"route {j + 1} of {where} names no scene", "add 'scene: scene-id'")
            ok = False
        elif scene not in scene_ids:
            report.add(f, lines.near(rkp + ("scene",)),
                       f"route {j + 1} of {where} leads to a scene '{scene}' that does not exist"
                       f"{_did_you_mean(scene, scene_ids)}", "set 'scene:' to an existing scene id, or add that scene")
            ok = False
        when = None
        if "when" in r:
            when = ctx.condition(r["when"], rkp + ("when",), f"route {j + 1} of {where}")
            if when is None:
                ok = False
        if isinstance(scene, str):
            routes.append(Route(scene, when))
    if ok and isinstance(raw[-1], dict) and "when" in raw[-1]:
        report.add(f, lines.near(kp + (len(raw) - 1,)),
                   f"the routes of {where} have no fallback: when none of their conditions holds, the learner has nowhere to go",
                   "end the list with a route that has only 'scene:' (no when)")
        ok = False
    return tuple(routes) if ok else ()


def _check_choice(f, sid, i, raw, kp, lines, report, scene_ids, codes, concepts, ctx=None) -> Choice | None:
    where = f"choice {i + 1} of scene '{sid}'"
    if not isinstance(raw, dict):
        report.add(f, lines.near(kp), f"{where} must be a block", "give it text, next, quality, feedback and concepts")
        return None
    n_before = len(report.problems)
    _check_keys(f, raw, CHOICE_KEYS, where, kp, lines, report)
    _missing_text(f, report, lines.near(kp + ("text",)), where, "text", raw.get("text"),
                  "add 'text:' with what the counselor says or does")
    nxt = raw.get("next")
    routes: tuple[Route, ...] = ()
    if nxt is None:
        report.add(f, lines.near(kp), f"{where} has no 'next' scene", "add 'next:' naming the scene it leads to")
    elif isinstance(nxt, list) and ctx is not None:
        routes = _check_routes(f, nxt, kp + ("next",), where, lines, report, scene_ids, ctx)
        nxt = routes[-1].scene if routes else None
    elif nxt not in scene_ids:
        report.add(f, lines.near(kp + ("next",)),
                   f"{where} leads to a scene '{nxt}' that does not exist{_did_you_mean(nxt, scene_ids)}",
                   "set 'next:' to an existing scene id, or add that scene")
    if raw.get("quality") not in QUALITIES:
        report.add(f, lines.near(kp + ("quality",)),
                   f"{where} has quality '{raw.get('quality')}'{_did_you_mean(raw.get('quality'), QUALITIES)}",
                   f"use one of: {', '.join(QUALITIES)}")
    _missing_text(f, report, lines.near(kp + ("feedback",)), where, "feedback", raw.get("feedback"),
                  "add 'feedback:' explaining in 2-4 sentences why this helps or harms")
    cons = _tags(f, raw.get("concepts"), "concepts", "concept tag", concepts, kp, lines, report, True, where)
    cods = _tags(f, raw.get("codes"), "codes", "ethics-code id", codes, kp, lines, report, False, where)
    when = None
    sets: tuple[str, ...] = ()
    if ctx is not None:
        if "when" in raw:
            when = ctx.condition(raw["when"], kp + ("when",), where)
        if "sets" in raw:
            sets = ctx.sets(raw["sets"], kp + ("sets",), where)
    if len(report.problems) > n_before:
        return None
    return Choice(text=raw["text"], next=nxt, quality=raw["quality"], feedback=raw["feedback"],
                  concepts=cons, codes=cods, when=when, sets=sets, routes=routes)


def _bfs(start, graph: dict[str, list[str]]) -> dict[str, int]:
    starts = [start] if isinstance(start, str) else list(start)
    depth = {s: 0 for s in starts}
    queue = deque(starts)
    while queue:
        s = queue.popleft()
        for t in graph.get(s, ()):
            if t not in depth:
                depth[t] = depth[s] + 1
                queue.append(t)
    return depth


def _check_graph(f, start, raw_scenes, graph, built, dead_or_broken, lines, report) -> None:
    reachable = _bfs(start, graph)
    for sid in raw_scenes:
        if sid not in reachable:
            report.add(f, lines.near(("scenes", sid)), f"scene '{sid}' cannot be reached from the start '{' or '.join(start) if isinstance(start, list) else start}'",
                       "point a choice's 'next:' at it, or delete the scene")
    # Scenes from which an ending can be reached. Scenes already reported (dead ends, unknown
    # targets, malformed) count as exits here so that one mistake is reported once.
    reverse: dict[str, list[str]] = {s: [] for s in graph}
    for s, targets in graph.items():
        for t in targets:
            reverse.setdefault(t, []).append(s)
    exits = {s for s, sc in built.items() if sc.is_ending} | dead_or_broken
    can_finish = set(exits)
    queue = deque(exits)
    while queue:
        t = queue.popleft()
        for s in reverse.get(t, ()):
            if s not in can_finish:
                can_finish.add(s)
                queue.append(s)
    trapped = [s for s in raw_scenes if s in reachable and s not in can_finish]
    reported: set[str] = set()
    for s in trapped:
        if s in reported:
            continue
        # the loop containing s: scenes reachable from s that can also reach s
        from_s = set(_bfs(s, graph))
        loop = [t for t in trapped if t in from_s and s in _bfs(t, graph)]
        if not loop or (loop == [s] and s not in graph.get(s, ())):
            continue  # not on a loop itself; it only leads into one, which is reported
        reported.update(loop)
        names = " -> ".join(loop + [loop[0]])
        report.add(f, lines.near(("scenes", loop[0])),
                   f"scenes {names} form a loop with no way out to an ending",
                   "give one of these scenes a choice that leads toward an ending")


# --------------------------------------------------------------------------------------------
# Flags, conditions and cases: checked per file, with the earlier episodes of the same case
# --------------------------------------------------------------------------------------------
class _FlagContext:
    """What one file declares (flags, case, episode), what its earlier episodes declare, and every
    condition and `sets:` met while the scenes are checked."""

    def __init__(self, f: Path, data: dict, lines, report: Report):
        self.f, self.lines, self.report = f, lines, report
        self.own_line: dict[str, int] = {}
        self.own_text: dict[str, str] = {}
        self.earlier: dict[str, tuple[Path, int, bool]] = {}   # flag -> (file, line, set by a choice there)
        self.earlier_vignettes: list[Vignette] = []
        self.uses: list[tuple[str, int, str]] = []             # (flag, line, where) for each condition
        self.set_here: set[str] = set()
        self.bad_sets = False      # a misspelt `sets:` is the likely cause of a flag never set
        self.incomplete = False    # an earlier episode could not be built: skip the path analysis
        self.case_id: str | None = None
        self.episode: int | None = None
        raw = data.get("flags")
        if raw is not None:
            if not isinstance(raw, dict) or not raw:
                report.add(f, lines.near(("flags",)), f"'flags' must be a block of named flags, but it {_shape(raw)}",
                           "write each flag as '  flag-name: \"what choosing it records\"' under flags")
            else:
                for name, text in raw.items():
                    ln = lines.near(("flags", name))
                    if not isinstance(name, str) or not ID_RE.match(name):
                        report.add(f, ln, f"the flag name '{name}' is not lowercase-with-hyphens",
                                   "rename it, e.g. told-end-date")
                        continue
                    if not _text(text):
                        report.add(f, ln, f"the flag '{name}' has no description",
                                   f"say in a few words what it records, e.g. {name}: \"the counselor ...\"")
                    self.own_line[name] = ln
                    self.own_text[name] = text if _text(text) else ""
        case = data.get("case")
        if case is not None:
            if not isinstance(case, dict):
                report.add(f, lines.near(("case",)), f"'case' must be a block with id and episode, but it {_shape(case)}",
                           "write case: with 'id: case-name' and 'episode: 1' under it")
            else:
                _check_keys(f, case, CASE_KEYS, "the case", ("case",), lines, report)
                cid, ep = case.get("id"), case.get("episode")
                if not isinstance(cid, str) or not ID_RE.match(cid):
                    report.add(f, lines.near(("case", "id")), f"the case id '{cid}' is not lowercase-with-hyphens",
                               "give every episode of one case the same id, e.g. id: the-bakery-case")
                elif not isinstance(ep, int) or isinstance(ep, bool) or ep < 1:
                    report.add(f, lines.near(("case", "episode")),
                               f"the case's episode must be a whole number from 1, but it {_shape(ep)}",
                               "number the episodes of a case 1, 2, 3 ... in the order learners meet them")
                else:
                    self.case_id, self.episode = cid, ep
                    self._load_earlier()

    def _load_earlier(self) -> None:
        for other in sorted(self.f.parent.glob("*.y*ml")):
            if other.resolve() == self.f.resolve():
                continue
            info = _case_info(other)
            if info is None or info[0] != self.case_id:
                continue
            if info[1] == self.episode:
                self.report.add(self.f, self.lines.near(("case", "episode")),
                                f"episode {self.episode} of case '{self.case_id}' is also {other.name}",
                                "give each episode of a case its own number")
            elif info[1] < self.episode:
                declared, sets = _raw_flags(other)
                for name in declared:
                    self.earlier[name] = (other, _flag_line(other, name), name in sets)
                v = _load_quietly(other)
                if v is None:
                    self.incomplete = True   # its problems are reported when it is checked
                else:
                    self.earlier_vignettes.append(v)
        self.earlier_vignettes.sort(key=lambda v: v.episode or 0)

    def known(self) -> list[str]:
        return list(self.own_line) + list(self.earlier)

    def condition(self, raw, kp, where) -> Condition | None:
        ln = self.lines.near(kp)
        try:
            cond = parse_condition(raw)
        except ConditionError as exc:
            self.report.add(self.f, ln, f"{where}: {exc.what}", exc.fix)
            return None
        ok = True
        for name in cond.flags:
            if name not in self.own_line and name not in self.earlier:
                self.report.add(self.f, ln, f"{where}: the condition names an unknown flag '{name}'"
                                f"{_did_you_mean(name, self.known())}",
                                "use a flag declared under flags: in this file or an earlier episode of the case, or declare it")
                ok = False
            else:
                self.uses.append((name, ln, where))
        return cond if ok else None

    def sets(self, raw, kp, where) -> tuple[str, ...]:
        ln = self.lines.near(kp)
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            self.report.add(self.f, ln, f"{where}: 'sets' must be a list of flag names, but it {_shape(raw)}",
                            "write sets: [flag-name]")
            return ()
        out = []
        for name in names:
            if name in self.own_line:
                out.append(name)
                self.set_here.add(name)
            elif name in self.earlier:
                self.report.add(self.f, ln, f"{where} sets the flag '{name}', which belongs to {self.earlier[name][0].name}",
                                "an episode sets only the flags it declares: declare a new flag under flags: here")
            else:
                self.bad_sets = True
                self.report.add(self.f, ln, f"{where} sets an unknown flag '{name}'{_did_you_mean(name, self.known())}",
                                "declare it under flags: at the top of the file (with what it records)")
        return tuple(out)

    def finish(self) -> None:
        """Flags that no choice sets: at each condition that names them (it can never hold), or at
        the declaration when nothing uses them either."""
        used = {u[0] for u in self.uses}
        if self.bad_sets:
            return
        for name, (other, _, is_set) in self.earlier.items():
            if not is_set:
                for flag, ln, where in self.uses:
                    if flag == name:
                        self.report.add(self.f, ln, f"{where}: the condition names the flag '{name}', which no choice "
                                        f"in {other.name} sets, so it is never true", f"set it with 'sets: [{name}]' on a choice there, or drop it here")
        for name, line in self.own_line.items():
            if name in self.set_here:
                continue
            if name in used:
                for flag, ln, where in self.uses:
                    if flag == name:
                        self.report.add(self.f, ln, f"{where}: the condition names the flag '{name}', which no choice sets, "
                                        "so it is never true", f"add 'sets: [{name}]' to the choice that should set it")
            else:
                self.report.add(self.f, line, f"the flag '{name}' is declared but no choice sets it",
                                f"add 'sets: [{name}]' to a choice, or remove the flag")

    def initial_states(self, referenced: set[str]) -> set[frozenset]:
        """The flag sets (earlier flags this file refers to) a learner can arrive with: any mix of
        earlier episodes played (to one of their endings) or not played."""
        states: set[frozenset] = {frozenset()}
        for v in self.earlier_vignettes:
            ends = _episode_ends(v) | {frozenset()}
            states = {frozenset((s | e) & referenced) for s in states for e in ends}
        return states


_PARSED: dict[Path, tuple[tuple[int, int], Any]] = {}


def _read_cached(path: Path):
    """read_content_file, cached by modification time and size: a case's files are read by every
    later episode's check, and parsing YAML is the slow part."""
    try:
        p = Path(path).resolve()
        st = p.stat()
    except OSError:
        return read_content_file(path)       # says what is wrong, as a YamlError
    if p.is_dir():
        return read_content_file(path)
    key = (st.st_mtime_ns, st.st_size)
    hit = _PARSED.get(p)
    if hit is not None and hit[0] == key:
        return hit[1]
    result = read_content_file(path)          # errors name the path as the author gave it
    _PARSED[p] = (key, result)
    return result


def _case_info(path: Path) -> tuple[str, int] | None:
    try:
        data, _ = _read_cached(path)
    except (YamlError, OSError):
        return None
    case = data.get("case") if isinstance(data, dict) else None
    if isinstance(case, dict) and isinstance(case.get("id"), str) and isinstance(case.get("episode"), int):
        return case["id"], case["episode"]
    return None


def _raw_flags(path: Path) -> tuple[list[str], set[str]]:
    """The flags a file declares and those its choices set, read without checking the file."""
    try:
        data, _ = _read_cached(path)
    except (YamlError, OSError):
        return [], set()
    declared = [k for k in (data.get("flags") or {}) if isinstance(k, str)] if isinstance(data.get("flags"), dict) else []
    sets: set[str] = set()
    scenes = data.get("scenes") if isinstance(data.get("scenes"), dict) else {}
    for raw in scenes.values():
        for c in (raw.get("choices") or []) if isinstance(raw, dict) and isinstance(raw.get("choices"), list) else []:
            val = c.get("sets") if isinstance(c, dict) else None
            sets.update(x for x in ([val] if isinstance(val, str) else val or []) if isinstance(x, str))
    return declared, sets


def _flag_line(path: Path, name: str) -> int:
    try:
        _, lines = _read_cached(path)
    except (YamlError, OSError):
        return 1
    return lines.near(("flags", name))


_QUIET: dict[Path, tuple[tuple[int, int], Vignette | None]] = {}


def _load_quietly(path: Path) -> Vignette | None:
    """An earlier episode, built without reporting (its problems are reported when it is checked)."""
    p = Path(path).resolve()
    try:
        st = p.stat()
    except OSError:
        return None
    key = (st.st_mtime_ns, st.st_size)
    hit = _QUIET.get(p)
    if hit and hit[0] == key:
        return hit[1]
    _QUIET[p] = (key, None)          # guards against a case that refers back to itself
    v = _check_file(p, Report())
    _QUIET[p] = (key, v)
    return v


_ENDS: dict[int, tuple[Vignette, set[frozenset]]] = {}


def _episode_ends(v: Vignette) -> set[frozenset]:
    """The sets of its own flags a learner can leave an episode with (at an ending)."""
    key = id(v)
    hit = _ENDS.get(key)
    if hit is not None and hit[0] is v:
        return hit[1]
    own = set(v.flags)
    starts = {frozenset()}
    if v.path is not None and v.case:
        ctx_starts = _starts_for(v)
        starts = ctx_starts or starts
    ends: set[frozenset] = set()
    result = explore(v, starts)
    if result is not None:
        ends = {frozenset(fl & own) for fl in result.ending_flags}
    _ENDS[key] = (v, ends)
    return ends


def _starts_for(v: Vignette) -> set[frozenset]:
    referenced = {x for x in _referenced(v) if x not in v.flags}
    if not referenced:
        return {frozenset()}
    states: set[frozenset] = {frozenset()}
    earlier = []
    for other in sorted(Path(v.path).parent.glob("*.y*ml")):
        info = _case_info(other)
        if info and info[0] == v.case and info[1] < (v.episode or 0):
            ov = _load_quietly(other)
            if ov is not None:
                earlier.append(ov)
    for ov in sorted(earlier, key=lambda x: x.episode or 0):
        ends = _episode_ends(ov) | {frozenset()}
        states = {frozenset((s | e) & referenced) for s in states for e in ends}
    return states


def _referenced(v: Vignette) -> set[str]:
    out: set[str] = set()
    conds = [r.when for r in v.start_routes]
    for s in v.scenes.values():
        conds += [ln.when for ln in s.lines]
        for c in s.choices:
            conds += [c.when] + [r.when for r in c.routes]
    for c in conds:
        if c is not None:
            out.update(c.flags)
    return out


@dataclass
class Exploration:
    """Every (scene, flags) state a learner can reach, for the condition checks and the map."""
    scenes: set[str]
    offered: dict[str, set[int]]                 # scene -> indexes of choices offered in some state
    too_few: dict[str, frozenset]                # scene -> a flag set in which < 2 choices are offered
    ending_flags: set[frozenset]
    lines_shown: dict[str, set[int]]


def explore(v: Vignette, initial_states) -> Exploration | None:
    """Walk every path under every starting flag set; None if there are too many states."""
    seen: set[tuple[str, frozenset]] = set()
    queue: deque = deque()
    for flags in initial_states:
        st = (v.start_for(flags), frozenset(flags))
        if st not in seen:
            seen.add(st)
            queue.append(st)
    out = Exploration(set(), {}, {}, set(), {})
    while queue:
        sid, flags = queue.popleft()
        if len(seen) > MAX_EXPLORED_STATES:
            return None
        scene = v.scenes.get(sid)
        if scene is None:
            continue
        out.scenes.add(sid)
        out.lines_shown.setdefault(sid, set()).update(i for i, ln in enumerate(scene.lines) if _holds(ln.when, flags))
        if scene.is_ending:
            out.ending_flags.add(flags)
            continue
        offered = [i for i, c in enumerate(scene.choices) if _holds(c.when, flags)]
        out.offered.setdefault(sid, set()).update(offered)
        if len(offered) < MIN_CHOICES and sid not in out.too_few:
            out.too_few[sid] = flags
        for i in offered:
            c = scene.choices[i]
            nxt = (c.target(flags), frozenset(flags | set(c.sets)))
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return out


def _describe_flags(flags: frozenset, relevant: list[str]) -> str:
    on = [f for f in relevant if f in flags]
    off = [f for f in relevant if f not in flags]
    parts = []
    if on:
        parts.append("flags " + ", ".join(on) + (" are" if len(on) > 1 else " is") + " set")
    if off:
        parts.append(", ".join(off) + (" are" if len(off) > 1 else " is") + " not set")
    return " and ".join(parts) or "no flag is set"


def _check_conditions(f, v: Vignette, ctx: _FlagContext, lines, report) -> None:
    """With the conditions in force: every scene reachable, every conditional choice offered on
    some path, and at least two choices offered in every decision a learner can reach."""
    if ctx.incomplete:
        return
    referenced = {x for x in _referenced(v) if x in ctx.earlier}
    result = explore(v, ctx.initial_states(referenced))
    if result is None:
        return
    graph = _bfs(v.starts, {s.id: [t for c in s.choices for t in c.targets] for s in v.scenes.values()})
    for sid in v.scenes:
        if sid in graph and sid not in result.scenes:
            report.add(f, lines.near(("scenes", sid)),
                       f"scene '{sid}' can never be reached: the conditions on the way to it never hold together",
                       "check the 'when:' of the routes and choices that lead to it, and which choices set those flags")
    for sid, scene in v.scenes.items():
        if sid not in result.scenes:
            continue
        for i, ln in enumerate(scene.lines):
            if ln.when is not None and i not in result.lines_shown.get(sid, set()):
                report.add(f, lines.near(("scenes", sid, "lines", i, "when")),
                           f"line {i + 1} of scene '{sid}' is never shown: its condition '{ln.when.text}' "
                           "does not hold on any path that reaches the scene",
                           "change the condition, or remove the line")
        for i, c in enumerate(scene.choices):
            if c.when is not None and i not in result.offered.get(sid, set()):
                report.add(f, lines.near(("scenes", sid, "choices", i, "when")),
                           f"choice {i + 1} of scene '{sid}' is never offered: its condition '{c.when.text}' "
                           "does not hold on any path that reaches the scene",
                           "change the condition, or set its flags on a choice before this scene")
        if sid in result.too_few:
            relevant = _unique(x for c in scene.choices if c.when for x in c.when.flags)
            n = sum(1 for c in scene.choices if _holds(c.when, result.too_few[sid]))
            report.add(f, lines.near(("scenes", sid, "choices")),
                       f"scene '{sid}' offers only {n} choice{'s' if n != 1 else ''} when "
                       f"{_describe_flags(result.too_few[sid], relevant)}",
                       f"make sure at least {MIN_CHOICES} choices are offered whatever the learner chose before")
