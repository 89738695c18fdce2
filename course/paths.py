"""Where things live. One place, so that tests and tools agree.

Course content (vignettes, questions, registries) ships inside the package. Instructor data
(rubrics, answer keys, the gradebook, submissions) lives in an nbgrader course root, found the
way git finds its repository (`find_course_root`):

1. the folder given with ``--root``;
2. else the folder in the ``COURSE_ROOT`` environment variable;
3. else the nearest folder upwards from the current one that holds ``nbgrader_config.py``
   (a folder holding ``grading/nbgrader_config.py``, i.e. a clone of this repository, counts:
   its ``grading/`` is the root).

It is never taken from where the package is installed: an instructor working in a copy of the
course grades the copy.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CONTENT_DIR = PACKAGE_DIR / "content"
VIGNETTES_DIR = CONTENT_DIR / "vignettes"
QUESTIONS_DIR = CONTENT_DIR / "questions"
CODES_FILE = CONTENT_DIR / "codes.yml"
CONCEPTS_FILE = CONTENT_DIR / "concepts.yml"
MODULES_FILE = CONTENT_DIR / "modules.yml"

# The repository checkout (only meaningful for an editable install / a clone). GRADING_DIR and
# RUBRICS_DIR name the repository's own course, for tests and tools that mean exactly that one;
# commands find the course root with `find_course_root` instead.
REPO_ROOT = PACKAGE_DIR.parent
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
GRADING_DIR = REPO_ROOT / "grading"
RUBRICS_DIR = GRADING_DIR / "rubrics"

# The learner's notebooks as the course ships them. A learner works in their own copy of these
# (course/workspace.py), never in this folder. COURSE_NOTEBOOKS names them for an install that is
# not a clone (e.g. a JupyterHub image that keeps the course elsewhere).
NOTEBOOKS_ENV = "COURSE_NOTEBOOKS"


def course_notebooks_dir(env: dict | None = None) -> Path | None:
    """The folder holding the course's own student notebooks: $COURSE_NOTEBOOKS, else the clone's
    notebooks/ next to the package; None when neither exists (a plain wheel install). Independent
    of the current folder, so it works from a learner's workspace anywhere on disk."""
    env = os.environ if env is None else env
    given = (env.get(NOTEBOOKS_ENV) or "").strip()
    if given:
        p = Path(given).expanduser().resolve()
        return p if p.is_dir() else None
    return NOTEBOOKS_DIR if NOTEBOOKS_DIR.is_dir() else None


CONFIG_NAME = "nbgrader_config.py"
ROOT_ENV = "COURSE_ROOT"


@dataclass(frozen=True)
class CourseRoot:
    path: Path
    how: str  # "--root" | "COURSE_ROOT" | "found"

    def describe(self) -> str:
        why = {"--root": "given with --root", "COURSE_ROOT": "from the COURSE_ROOT environment variable",
               "found": "found from the current folder"}[self.how]
        return f"{self.path} ({why})"


def _holds_config(folder: Path) -> bool:
    return (folder / CONFIG_NAME).is_file()


def _checked(folder: str | os.PathLike, source: str) -> Path:
    from course.errors import CourseError

    p = Path(folder).expanduser()
    label = "--root" if source == "--root" else f"{ROOT_ENV}={folder}"
    if not p.is_dir():
        raise CourseError(f"{label}: there is no folder {p.resolve()}.",
                          hint="Give the course folder: the one that holds nbgrader_config.py.")
    if _holds_config(p):
        return p.resolve()
    if _holds_config(p / "grading"):  # the repository itself: its course is grading/
        return (p / "grading").resolve()
    raise CourseError(f"{label}: {p.resolve()} is not an nbgrader course folder (there is no {CONFIG_NAME} in it).",
                      hint="Give the course folder: the one that holds nbgrader_config.py "
                           "(in a clone of this repository, its grading/ folder).")


def search_upwards(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest folder from `start` (default: the current folder) upwards that holds
    nbgrader_config.py, or whose grading/ holds it; None when there is none."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if _holds_config(folder):
            return folder
        if _holds_config(folder / "grading"):
            return folder / "grading"
    return None


def find_course_root(root: str | os.PathLike | None = None, *, cwd: str | os.PathLike | None = None,
                     env: dict | None = None) -> CourseRoot:
    """The course root for `root` (a --root value, may be None); see the module docstring."""
    from course.errors import CourseError

    env = os.environ if env is None else env
    if root:
        return CourseRoot(_checked(root, "--root"), "--root")
    if env.get(ROOT_ENV):
        return CourseRoot(_checked(env[ROOT_ENV], "COURSE_ROOT"), "COURSE_ROOT")
    found = search_upwards(cwd)
    if found is not None:
        return CourseRoot(found.resolve(), "found")
    here = Path(cwd or os.getcwd()).resolve()
    raise CourseError(
        f"No course found: neither {here} nor any folder above it holds {CONFIG_NAME}.",
        hint="Run the command inside your course folder (the one holding nbgrader_config.py, e.g. the "
             "repository's grading/ or a copy of it), or pass --root PATH, or set COURSE_ROOT=PATH.")


def default_root(cwd: str | os.PathLike | None = None) -> Path | None:
    """The root a command would use without --root (COURSE_ROOT, else the search); None if none."""
    try:
        return find_course_root(None, cwd=cwd).path
    except Exception:
        return None


def rubrics_dir(root: str | os.PathLike | None = None) -> Path:
    """The rubrics folder of the course in use: `root`'s, else the course found from here
    (COURSE_ROOT, else upwards from the current folder)."""
    return find_course_root(root).path / "rubrics"
