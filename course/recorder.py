"""The recorder: one small interface through which every learner action is kept.

Vignette players and self-check widgets call `get_recorder().record(event)`; they never
know where the event goes. The progress store (course.progress) provides the default,
persistent recorder; `MemoryRecorder` keeps events for the session only (tests, or when
the learner's data directory cannot be written).

Event kinds (the `kind` field) and the `data` each carries:
    vignette.start     {"vignette": "<module>/<id>", "mode": "solo"|"discussion"}
    vignette.step      {"vignette", "scene", "choice" (index), "choice_text", "next",
                        "quality": "helpful"|"mixed"|"harmful", "concepts": [...], "codes": [...]}
    vignette.back      {"vignette", "scene"}           (learner stepped back)
    vignette.restart   {"vignette"}
    vignette.ending    {"vignette", "ending" (scene id), "outcome", "path": [scene ids],
                        "concepts": [...], "codes": [...]}
    selfcheck.answer   {"question": "<module>.<id>", "answer": [...option ids], "correct": bool,
                        "score": float 0..1, "concepts": [...]}
    module.complete    {}
    case.state         {"case", "episode", "vignette", "flags": [flags this episode's path set],
                        "ending", "outcome"}   (an episode of a case reached an ending)
    case.note          {"case", "episode", "vignette", "note", "question"}  (the learner's progress
                        note and question for supervision after an episode)
    discussion.start, discussion.step, discussion.back, discussion.restart, discussion.ending
                       the same data as the vignette.* kinds, recorded by a seminar run
                       (mode="discussion" or "projector"); never counted as progress
Every event has `module` (e.g. "transference"), `item` (vignette or question id) and an
ISO-8601 UTC timestamp `at`.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol, runtime_checkable

EVENT_KINDS = frozenset(
    {
        "vignette.start",
        "vignette.step",
        "vignette.back",
        "vignette.restart",
        "vignette.ending",
        "selfcheck.answer",
        "module.complete",
        "case.state",
        "case.note",
        # a seminar run (discussion or projector mode): the same data as vignette.*, kept apart
        # so that leading a class never counts as the leader's own progress (course.progress
        # counts only vignette.start, vignette.step and vignette.ending)
        "discussion.start",
        "discussion.step",
        "discussion.back",
        "discussion.restart",
        "discussion.ending",
    }
)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Event:
    kind: str
    module: str
    item: str
    data: dict[str, Any] = field(default_factory=dict)
    at: str = field(default_factory=_now)

    def __post_init__(self):
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}; expected one of {sorted(EVENT_KINDS)}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class Recorder(Protocol):
    def record(self, event: Event) -> None:  # pragma: no cover - protocol
        ...


class MemoryRecorder:
    """Keeps events in a list for this Python session only."""

    persistent = False

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def record(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def of_kind(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]


_current: Recorder | None = None
_lock = threading.Lock()


def set_recorder(recorder: Recorder | None) -> None:
    """Use `recorder` for everything recorded from now on (None: back to the default)."""
    global _current
    with _lock:
        _current = recorder


def get_recorder() -> Recorder:
    """The recorder in use: the persistent progress store if available, else memory."""
    global _current
    with _lock:
        if _current is None:
            _current = _default_recorder()
        return _current


def _default_recorder() -> Recorder:
    try:
        from course.progress import default_recorder
    except ImportError:
        return MemoryRecorder()
    return default_recorder()


def record(kind: str, module: str, item: str, **data: Any) -> Event:
    """Convenience: build an Event and send it to the current recorder. Never raises on
    storage trouble: the progress store handles its own faults and tells the learner."""
    event = Event(kind=kind, module=module, item=item, data=data)
    get_recorder().record(event)
    return event
