"""The learner's own copy of the course notebooks (`course workspace`).

A learner never works in the course's tracked notebooks: running a notebook saves its outputs and
answers into the file, and a course update (`git pull`, a new release) would then conflict with that
work or overwrite it. Instead `make lab` and `make read` first make (or bring up to date) a workspace,
a folder of the learner's own that holds a copy of every student notebook (notebooks/*.ipynb; the
facilitator, instructor and authoring notebooks are for staff and stay out of it), and open that.

Where it is: --dest, else $COURSE_WORKSPACE, else ``notebooks/`` inside the learner's data folder
(the folder that holds their progress: $COURSE_PROGRESS_DIR, else the platform's user data folder).

Bringing it up to date never loses the learner's work. For each course notebook:
- not in the workspace: copied in (also when the learner deleted their copy: deleting a notebook
  and starting again is how a learner gets a fresh one);
- the learner's copy is the one the course gave them, untouched: replaced by the new version;
- the learner's copy has their work in it and the course changed the notebook: the learner's copy
  stays as it is, and the new version is put beside it as
  ``05_termination (course update 2026-12-02).ipynb``, once;
- otherwise nothing happens.
What the course last gave is recorded in ``.course-workspace.json`` in the workspace (a hash per
notebook), so a later run can tell the learner's changes from the course's. Safe to run at every
start; concurrent runs never leave a half-written notebook (each file is written beside its place
and renamed into it).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

WORKSPACE_ENV = "COURSE_WORKSPACE"
MANIFEST = ".course-workspace.json"
FOLDER_NAME = "notebooks"


@dataclass
class Result:
    dest: Path
    added: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    beside: list[tuple[str, str]] = field(default_factory=list)   # (learner's file, new version's file)
    carried: list[str] = field(default_factory=list)   # worked in inside the course's folder, copied as is
    new: bool = False   # the folder was made now

    @property
    def changed(self) -> bool:
        return bool(self.added or self.restored or self.updated or self.beside or self.carried)

    def messages(self) -> list[str]:
        """One plain line per thing that happened (none when nothing did)."""
        out = []
        if self.added and self.new:
            out.append(f"Made your own copy of the course's {len(self.added)} notebooks in {self.dest}. "
                       "Your answers are saved there; course updates never overwrite them.")
        elif self.added:
            out.append(f"Added {_list(self.added)} to your notebooks in {self.dest}.")
        if self.carried:
            out.append(f"Copied {_list(self.carried)} with the work you had done in the course's own folder "
                       "into your notebooks; work there from now on.")
        if self.restored:
            out.append(f"Put back a fresh copy of {_list(self.restored)} (it was not in your folder).")
        if self.updated:
            out.append(f"Updated {_list(self.updated)} to the course's new version "
                       "(you had not changed it).")
        for mine, new in self.beside:
            out.append(f"The course has a new version of {mine}. Your copy, with your answers, is unchanged; "
                       f"the new version is beside it as \"{new}\".")
        return out


def _list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def default_dest() -> Path:
    """$COURSE_WORKSPACE, else notebooks/ in the learner's data folder (where their progress is)."""
    from course.errors import CourseError
    from course.progress import progress_dir

    given = os.environ.get(WORKSPACE_ENV, "").strip()
    if given:
        return Path(given).expanduser().resolve()
    data = progress_dir()
    if data is None:
        raise CourseError("There is no data folder for your notebooks on this computer (no home folder).",
                          hint=f"Choose a folder: course workspace --dest FOLDER, or set {WORKSPACE_ENV}=FOLDER.")
    return (data / FOLDER_NAME).resolve()


def source_dir() -> Path:
    from course import paths
    from course.errors import CourseError

    given = os.environ.get(paths.NOTEBOOKS_ENV, "").strip()
    found = paths.course_notebooks_dir()
    if found is None:
        if given:
            raise CourseError(f"{paths.NOTEBOOKS_ENV}={given}: there is no such folder.",
                              hint="Set it to the course's notebooks folder, or unset it.")
        raise CourseError("The course notebooks are not on this computer (this install of the course has no "
                          "notebooks folder).",
                          hint=f"Run this from a copy of the course repository, or set {paths.NOTEBOOKS_ENV} "
                               "to the course's notebooks folder.")
    return found


def course_notebooks(src: Path) -> list[Path]:
    """The student notebooks: the .ipynb files directly in the course's notebooks folder."""
    return sorted(p for p in src.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))


def _worked_in(path: Path) -> bool:
    """True when a course notebook holds a learner's run (outputs or execution counts): someone worked
    in the course's own folder, as learners did before workspaces existed. Its copy is then the
    learner's work, never "what the course gave", so no later update replaces it."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        return any(c.get("outputs") or c.get("execution_count") is not None
                   for c in cells if isinstance(c, dict) and c.get("cell_type") == "code")
    except (OSError, ValueError, AttributeError):
        return False


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_copy(src: Path, target: Path) -> None:
    """Copy src to target through a temporary file in the same folder (never half-written)."""
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", suffix=".ipynb", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Trust:
    """Marks the course's notebooks, as copied, trusted for this learner (Jupyter's own notary, the
    store `jupyter trust` writes), so that JupyterLab and its "Render with Voila" button open them
    without an "untrusted notebook" warning. They are the course the learner installed and runs;
    their own edited notebooks are never signed here (JupyterLab signs those when it saves them).
    Best effort: without a writable Jupyter data folder the copies simply stay unsigned."""

    def __init__(self):
        self._notary = None

    def sign(self, path: Path) -> None:
        try:
            import nbformat
            from nbformat.sign import NotebookNotary

            if self._notary is None:
                self._notary = NotebookNotary()
            self._notary.sign(nbformat.read(path, as_version=4))
        except Exception:
            pass

    def close(self) -> None:
        try:
            if self._notary is not None:
                self._notary.store.close()
        except Exception:
            pass


def _read_manifest(dest: Path) -> dict:
    try:
        data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files")
        return {k: v for k, v in files.items() if isinstance(v, str)} if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_manifest(dest: Path, files: dict[str, str], src: Path) -> None:
    body = {"about": "What the course last gave this folder (one hash per notebook), so that `course "
                     "workspace` can tell your changes from the course's. Safe to delete: then a changed "
                     "notebook of the course is offered beside yours instead of replacing it.",
            "source": str(src), "files": dict(sorted(files.items()))}
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", suffix=".json", dir=dest)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(body, f, indent=1)
        f.write("\n")
    os.replace(tmp, dest / MANIFEST)


def beside_name(name: str, dest: Path, new_digest: str, today: date | None = None) -> tuple[str, bool]:
    """The name for a new course version put beside the learner's copy, and whether it must still be
    written (False when that very version is already there)."""
    stem = name[:-len(".ipynb")]
    base = f"{stem} (course update {(today or date.today()).isoformat()})"
    for n in range(1, 100):
        candidate = f"{base}.ipynb" if n == 1 else f"{base} {n}.ipynb"
        path = dest / candidate
        if not path.exists():
            return candidate, True
        if path.is_file() and _digest(path) == new_digest:
            return candidate, False
    raise RuntimeError(f"too many course updates of {name} beside it today")  # pragma: no cover


def sync(dest: Path | None = None, src: Path | None = None, *, today: date | None = None) -> Result:
    """Make or bring up to date the learner's workspace; see the module docstring."""
    from course.errors import CourseError

    src = (src or source_dir()).resolve()
    dest = (dest or default_dest()).expanduser().resolve()
    if dest == src or src in dest.parents:
        raise CourseError(f"Your notebooks cannot live inside the course's own notebooks folder ({src}).",
                          hint="Choose a folder outside it: course workspace --dest FOLDER.")
    if dest.exists() and not dest.is_dir():
        raise CourseError(f"{dest} is a file, not a folder.", hint="Choose a folder: course workspace --dest FOLDER.")
    result = Result(dest, new=not (dest / MANIFEST).exists() and not any(dest.glob("*.ipynb")))
    dest.mkdir(parents=True, exist_ok=True)
    had = _read_manifest(dest)
    known = dict(had)
    trust = _Trust()
    try:
        _sync_files(src, dest, had, known, result, trust, today)
    finally:
        trust.close()
    if known != had or not (dest / MANIFEST).exists():
        _write_manifest(dest, known, src)
    return result


def _sync_files(src: Path, dest: Path, had: dict, known: dict, result: Result, trust: _Trust,
                today: date | None) -> None:
    for nb in course_notebooks(src):
        name, new = nb.name, _digest(nb)
        mine = dest / name
        if _worked_in(nb):
            # the course's folder holds a learner's run: carry it over once as theirs, and record
            # no course version, so that a later (clean) course version is offered beside it
            if not mine.exists() and name not in had:
                _write_copy(nb, mine)
                result.carried.append(name)
                known[name] = ""
            continue
        if not mine.exists():
            _write_copy(nb, mine)
            trust.sign(mine)
            (result.restored if name in had else result.added).append(name)
            known[name] = new
            continue
        have = _digest(mine)
        if have == new:
            known[name] = new
            continue
        gave = had.get(name)
        if gave == new:
            continue  # the course did not change it; the differences are the learner's work
        if gave is not None and have == gave:
            _write_copy(nb, mine)  # untouched copy of the old version: nothing of the learner's to keep
            trust.sign(mine)
            result.updated.append(name)
            known[name] = new
            continue
        # the learner's own work (or a copy we cannot vouch for) and a different course version
        other, write = beside_name(name, dest, new, today)
        if write:
            _write_copy(nb, dest / other)
            trust.sign(dest / other)
            result.beside.append((name, other))
        known[name] = new
