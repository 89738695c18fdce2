"""Anonymous votes for a seminar: a drop-box folder, one small file per vote, counts only.

Where the course runs on a shared server (JupyterHub), the environment variable COURSE_VOTE_DIR
names a folder every user can write into but only its owner (the instructor) can list: on Linux,
a directory owned by the instructor with mode 1733 (rwx for the owner; write and enter, no read,
for everyone else; the sticky bit so no one can remove or replace another's file).

    vote()                      # a student, in notebooks/vote.ipynb: shows the leader's question
    tally(folder, session, "transference/are-you-tired-of-me", "opening")   # the projector

A vote is a file with a random name holding JSON: the session code, the vignette, the scene and a
letter. No name, no user id, no time beyond what the file system keeps (see
docs/seminar-leaders.md for what the server's administrator can still see: each file's owner).
One vote per person and scene: a second vote in the same kernel for the same scene rewrites the
same file (replace, not add); and on a shared server, where each student is a Linux user, the count
keeps only the newest vote of each user (the owner of the files, which the file system records
anyway), so a restarted kernel or a second notebook never counts twice. Votes written by the
folder's owner (the leader's own machine, where everyone shares one account) are counted each.

The leader's projector writes one file with a known name, `question-<code>.json`, saying which
scene is open for a vote; students' `vote()` reads it (they cannot list the folder, but they can
open a file whose name they know). Without a server the leader types the counts (hands, cards or an
outside poll) into the projector view; nothing here is needed.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from collections import Counter
from pathlib import Path

from course.errors import CourseError

ENV = "COURSE_VOTE_DIR"
SUFFIX = ".vote"
MAX_BYTES = 512          # a vote is ~120 bytes; anything bigger is not one of ours
LETTERS = "ABCDEFGHIJ"

# (folder, session, vignette, scene) -> the vote file this kernel wrote: voting again replaces it
_mine: dict[tuple[str, str, str, str], str] = {}


def vote_dir() -> Path | None:
    """The shared drop-box folder named by COURSE_VOTE_DIR, or None when votes are typed in."""
    raw = os.environ.get(ENV, "").strip()
    return Path(raw).expanduser() if raw else None


def session_code(session: str | None) -> str:
    """The session code that ties votes to one seminar meeting (default: today's date, the
    same default as discussion mode, so the letters match)."""
    import datetime

    return (session or datetime.date.today().isoformat()).strip()


def _question_file(folder: Path, session: str) -> Path:
    digest = hashlib.sha256(session.encode("utf-8")).hexdigest()[:16]
    return folder / f"question-{digest}.json"


def _write_atomically(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        # readable by the folder's owner (the instructor), who reads it to count; nobody else can
        # find it, since only the owner can list the folder
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def cast(folder: Path | str, session: str, vignette: str, scene: str, letter: str) -> Path:
    """Drop one vote: a file with a random name. A second vote from this kernel for the same
    scene replaces the first. Returns the file written."""
    folder = Path(folder)
    letter = str(letter).strip().upper()
    if len(letter) != 1 or letter not in LETTERS:
        raise CourseError(f"{letter!r} is not a letter to vote for.", hint="Vote with one letter, for example \"B\".")
    if not folder.is_dir():
        raise CourseError(f"The vote folder {folder} is not there.",
                          hint="Ask your seminar leader: votes need the folder the course was set up with.")
    key = (str(folder), session, vignette, scene)
    name = _mine.get(key) or f"{secrets.token_hex(16)}{SUFFIX}"
    target = folder / name
    body = json.dumps({"session": session, "vignette": vignette, "scene": scene, "letter": letter})
    try:
        _write_atomically(target, body)
    except OSError as e:
        raise CourseError(f"Your vote could not be saved ({e.strerror or e}).",
                          hint="Try again in a moment; if it keeps failing, vote by hand.") from None
    _mine[key] = name
    return target


def tally(folder: Path | str, session: str, vignette: str, scene: str) -> Counter:
    """Count the votes in `folder` for this session, vignette and scene: a Counter of letters.
    Files that are not votes, too big, unreadable or for another question are skipped."""
    folder = Path(folder)
    counts: Counter = Counter()
    try:
        entries = list(os.scandir(folder))
        leader = folder.stat().st_uid
    except OSError:
        return counts
    newest: dict[int, tuple[float, str, str]] = {}    # a student's uid -> (mtime, name, letter)
    for entry in entries:
        if not entry.name.endswith(SUFFIX):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            st = entry.stat(follow_symlinks=False)
            if st.st_size > MAX_BYTES:
                continue
            data = json.loads(Path(entry.path).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        if (data.get("session"), data.get("vignette"), data.get("scene")) != (session, vignette, scene):
            continue
        letter = data.get("letter")
        if not (isinstance(letter, str) and len(letter) == 1 and letter in LETTERS):
            continue
        if st.st_uid == leader:
            counts[letter] += 1
        elif (st.st_mtime, entry.name) >= newest.get(st.st_uid, (float("-inf"), "", ""))[:2]:
            newest[st.st_uid] = (st.st_mtime, entry.name, letter)
    for _, _, letter in newest.values():
        counts[letter] += 1
    return counts


def open_question(folder: Path | str, session: str, vignette: str, scene: str, n_choices: int) -> None:
    """The projector says which scene is open for a vote (a file with a known name)."""
    folder = Path(folder)
    body = json.dumps({"session": session, "vignette": vignette, "scene": scene, "choices": n_choices})
    try:
        _write_atomically(_question_file(folder, session), body)
    except OSError:
        pass   # the room can still vote by hand


def current_question(folder: Path | str, session: str) -> dict | None:
    """What the projector has open for a vote in this session, or None."""
    try:
        f = _question_file(Path(folder), session)
        if f.stat().st_size > MAX_BYTES:
            return None
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("session") != session:
        return None
    if not all(isinstance(data.get(k), str) for k in ("vignette", "scene")):
        return None
    return data


# ------------------------------------------------------------------------------ the student's side
def vote(session: str | None = None, folder: Path | str | None = None):
    """The student's ballot: shows the scene the leader has open, with the same letters and
    wording as the projector, and sends one anonymous vote (changeable until the leader moves on).
    Returns the widget."""
    return _make_vote_widget(session_code(session), Path(folder) if folder else vote_dir())


_CSS = """<style>
.course-vote { font-size: 15px; max-width: 900px; }
.course-vote .widget-html-content { white-space: normal; font-size: 15px; }
.course-vote .vote-choice label, .course-vote .vote-choice .widget-label-basic {
  white-space: normal !important; height: auto !important; line-height: 1.4; }
.course-vote .vote-choice .widget-radio-box label { display: flex !important; align-items: flex-start; gap: 8px;
  margin-bottom: 8px; }
.course-vote .vote-choice .widget-radio-box input { float: none !important; order: -1; margin: 4px 0 0 1px !important;
  flex-shrink: 0; }
.course-vote .vote-choice { flex-direction: column; }
</style>"""


def _make_vote_widget(session: str, folder: Path | None):
    import html

    import ipywidgets as widgets

    from course.player import LETTERS as SHOWN, shuffled_order, order_seed
    from course.scenes import load_vignette

    box = widgets.VBox()
    box.add_class("course-vote")
    style = widgets.HTML(_CSS)
    head = widgets.HTML()
    head.add_class("vote-head")
    choices = widgets.RadioButtons(options=[], value=None, description="Your vote:",
                                   style={"description_width": "initial"}, layout=widgets.Layout(width="100%"))
    choices.add_class("vote-choice")
    send = widgets.Button(description="Send my vote", button_style="primary", layout=widgets.Layout(width="auto"))
    send.add_class("vote-send")
    refresh = widgets.Button(description="Check for the question", layout=widgets.Layout(width="auto"))
    refresh.add_class("vote-refresh")
    status = widgets.HTML()
    status.add_class("vote-status")
    state: dict = {"q": None}
    box.session = session
    box.folder = folder
    box.head, box.choices, box.send, box.refresh, box.status = head, choices, send, refresh, status

    def show(_b=None):
        status.value = ""
        if folder is None:
            head.value = ("<p>Votes from your own screen are not set up on this server, so your leader will "
                          "count hands or cards instead.</p>")
            box.children = [style, head]
            return
        if not folder.is_dir():
            head.value = (f"<p>The vote folder ({html.escape(str(folder))}) is not there, so votes cannot be sent "
                          "from this screen. Tell your leader; vote by hand meanwhile.</p>")
            box.children = [style, head]
            return
        q = current_question(folder, session)
        if q is None:
            head.value = (f"<p>No question is open yet for session <strong>{html.escape(session)}</strong>. "
                          "When your leader opens one, press the button.</p>")
            choices.options = []
            state["q"] = None
            box.children = [style, head, refresh]
            return
        if not q["scene"]:
            head.value = ("<p>Voting on this scene has closed: the leader is showing the consequences. "
                          "Press the button when the next scene is open.</p>")
            state["q"] = None
            box.children = [style, head, refresh]
            return
        try:
            v = load_vignette(q["vignette"])
            scene = v.scenes[q["scene"]]
        except Exception:
            head.value = "<p>This question cannot be shown here; vote by hand.</p>"
            box.children = [style, head, refresh]
            return
        order = shuffled_order(order_seed(v, "discussion", session), scene.id, len(scene.choices))
        state["q"] = q
        head.value = (f"<p><strong>{html.escape(v.title)}</strong>: what would you say? Your vote is anonymous: "
                      "the projector shows only how many chose each letter.</p>")
        choices.options = [(f"{SHOWN[pos]}. {scene.choices[i].text}", SHOWN[pos]) for pos, i in enumerate(order)]
        choices.value = None
        box.children = [style, head, choices, send, refresh, status]

    def on_send(_b=None):
        q = state["q"]
        if q is None or choices.value is None:
            status.value = '<p role="status">Pick a letter first.</p>'
            return
        now = current_question(folder, session)
        if now is None or (now["vignette"], now["scene"]) != (q["vignette"], q["scene"]):
            status.value = '<p role="status">The leader has moved on: press "Check for the question".</p>'
            return
        try:
            cast(folder, session, q["vignette"], q["scene"], choices.value)
        except CourseError as e:
            status.value = f'<p role="status">{html.escape(str(e))}</p>'
            return
        status.value = (f'<p role="status">Your vote ({html.escape(choices.value)}) is in. You can change it '
                        "until the leader moves on; a new vote replaces this one.</p>")

    refresh.on_click(show)
    send.on_click(on_send)
    box.show = show
    show()
    return box
