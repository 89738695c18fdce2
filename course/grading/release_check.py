"""Check that nothing a student receives leaks solutions, hidden tests or rubric internals.

    leaks = check_release(["m1_frame"])        # [] when clean
    needles = build_needles(root, "m1_frame")   # what must never reach a student
    scan_text(text, needles)                    # the needles found in a text

`check_release` works on a temporary copy of the course: it generates each assignment, scans the
released notebook, then autogrades a probe submission (answers that differ from the solutions)
and generates its feedback, and scans the feedback HTML too. The real course folder is never
touched. What counts as a leak:

* solution text: every line inside `### BEGIN SOLUTION` / `### END SOLUTION` in the source
  notebook (and every sentence of a model reflection);
* hidden-test text: every line inside `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`, and the
  delimiters themselves;
* rubric internals: evidence patterns, term lists and scoring settings of the reflection
  rubrics, except wording that is public anyway (the prompt shown to students, concept labels
  and the feedback texts written for students);
* answer keys: the structured items' key file (`rubrics/items/<assignment>.yml`) as it would look
  printed (YAML, JSON or Python spelling of each answer), which a right answer typed by a student
  never matches.

Feedback is scanned with `decode=True`: text hidden as base64, hex, rot13 or %-escapes is found too.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.errors import CourseError
from course.grading import gradebook as gbmod

SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
INTERNAL_KEYS = {"patterns", "partial", "terms", "topic_terms", "checks", "weight", "cap", "penalty",
                 "referents", "key_terms", "unless"}
PUBLIC_KEYS = {"prompt", "title", "label", "feedback", "feedback_found", "feedback_missing", "question", "module"}
MIN_LEN = 12


@dataclass(frozen=True)
class Needle:
    kind: str     # "solution" | "hidden test" | "rubric" | "answer key"
    text: str
    where: str    # where the needle comes from (for the report)


@dataclass(frozen=True)
class Leak:
    file: str
    needle: Needle

    def __str__(self) -> str:
        snippet = self.needle.text if len(self.needle.text) <= 70 else self.needle.text[:67] + "..."
        return f"{self.file}: contains {self.needle.kind} text from {self.needle.where}: {snippet!r}"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def _regions(source: str, begin: str, end: str) -> list[str]:
    out, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
            continue
        if end in line:
            inside = False
            continue
        if inside:
            out.append(line)
    return out


def _outside(source: str) -> list[str]:
    """Lines outside solution and hidden-test regions (delimiters excluded)."""
    out, inside = [], False
    for line in source.splitlines():
        if SOLUTION[0] in line or HIDDEN[0] in line:
            inside = True
        elif SOLUTION[1] in line or HIDDEN[1] in line:
            inside = False
        elif not inside:
            out.append(line)
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) >= 40]


def _strings(node, key=None):
    """(key, string) for every string leaf of a YAML tree, with the nearest mapping key."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, str(k))
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)
    elif isinstance(node, str):
        yield key, node


def build_needles(root: Path, assignment: str, *, feedback: bool = False) -> list[Needle]:
    """Everything from the source notebook and rubrics that a student must never receive.

    With feedback=True, short solution lines (`choice_2 = "B"`) are left out: feedback shows the
    student's own answers, and a right answer is not a leak. Model-answer sentences still count.
    """
    root = Path(root)
    needles: list[Needle] = [Needle("hidden test", d, "the test-cell delimiters") for d in HIDDEN]
    needles += [Needle("solution", d, "the solution delimiters") for d in SOLUTION]
    src_dir = root / "source" / assignment
    for nbfile in sorted(src_dir.glob("*.ipynb")):
        nb = nbformat.read(str(nbfile), as_version=4)
        outside = set()  # lines that are public anyway (outside solution and hidden regions)
        for cell in nb.cells:
            src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            outside |= {_norm(x) for x in _outside(src)}
        for cell in nb.cells:
            src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            meta = cell.get("metadata", {}).get("nbgrader", {})
            where = f"{nbfile.name} cell {meta.get('grade_id', '?')}"
            for line in _regions(src, *SOLUTION):
                line = line.strip()
                if _norm(line) in outside:
                    continue
                if (len(line) >= MIN_LEN or re.match(r"^\w+\s*=\s*\S", line)) and not feedback:
                    needles.append(Needle("solution", line, where))
                for sent in _sentences(line):
                    needles.append(Needle("solution", sent.strip(), where))
            for line in _regions(src, *HIDDEN):
                if len(line.strip()) >= MIN_LEN:
                    needles.append(Needle("hidden test", line.strip(), where))
    # reflection rubrics used by this assignment, and the structured answer key
    try:
        from course.grading.items import load_items
        key = load_items(assignment, root)
    except CourseError:
        key = {"items": []}
    rubric_dir = root / "rubrics" / "reflections"
    import yaml

    needles += answer_key_needles(root, assignment, key)

    for it in key.get("items", []):
        if it.get("kind") != "reflection":
            continue
        f = rubric_dir / f"{it['question']}.yml"
        if not f.exists():
            continue
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        pub = [s for k, s in _strings(data) if k in PUBLIC_KEYS]
        public_text = _norm(" ".join(pub))
        for k, s in _strings(data):
            if k in INTERNAL_KEYS:
                s = s.strip()
                if len(s) >= 8 and " " in s and _norm(s) not in public_text:
                    needles.append(Needle("rubric", s, f"rubrics/reflections/{f.name} ({k})"))
    return needles


def answer_key_needles(root: Path, assignment: str, key: dict) -> list[Needle]:
    """The structured answer key (rubrics/items/<assignment>.yml) as it would look if printed:
    its header, and every answer in YAML, JSON and Python spellings. A student's own right answer
    (`choice_2 = "B"`) is none of these, so right answers are never reported as leaks."""
    out: list[Needle] = []
    f = root / "rubrics" / "items" / f"{assignment}.yml"
    where = f"rubrics/items/{f.name}"
    if f.exists():
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines()[:3]:
            if line.startswith("#") and len(line.strip("# ").strip()) >= MIN_LEN:
                out.append(Needle("answer key", line.strip("# ").strip(), where))
    for it in key.get("items", []):
        ans = it.get("answer")
        if ans is None:
            continue
        forms = []
        if isinstance(ans, dict):
            forms += [f"{k}: {v}" for k, v in ans.items()]       # YAML lines of a matching key
            forms.append(json.dumps({"answer": ans})[1:-1])
            forms.append(repr({"answer": ans})[1:-1])
        else:
            vals = ans if isinstance(ans, list) else [ans]
            forms.append("answer: " + (str(vals[0]) if not isinstance(ans, list) else "- " + " - ".join(map(str, vals))))
            forms.append(json.dumps({"answer": ans})[1:-1])
            forms.append(repr({"answer": ans})[1:-1])
        forms.append(f"id: {it['id']} kind: {it['kind']}")
        for form in dict.fromkeys(forms):
            out.append(Needle("answer key", form, f"{where} ({it['id']})"))
    return out


_B64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2}[\s:]?){12,}")


def decoded_views(text: str, depth: int = 2) -> list[str]:
    """The text, plus what it says once obvious encodings are undone: base64 (standard and
    URL-safe), hex, rot13, %-escapes and HTML entities, applied up to `depth` times in a row."""
    import base64
    import binascii
    import codecs
    from urllib.parse import unquote_plus

    views, frontier = [text], [text]
    for _ in range(depth):
        nxt = []
        for t in frontier:
            found = []
            for m in _B64.finditer(t):
                chunk = m.group(0)
                for dec in (base64.b64decode, base64.urlsafe_b64decode):
                    try:
                        raw = dec(chunk + "=" * (-len(chunk) % 4))
                    except (binascii.Error, ValueError):
                        continue
                    found.append(raw.decode("utf-8", errors="ignore"))
            for m in _HEX.finditer(t):
                try:
                    found.append(bytes.fromhex(re.sub(r"[\s:]", "", m.group(0))).decode("utf-8", errors="ignore"))
                except ValueError:
                    pass
            found.append(codecs.encode(t, "rot13"))
            found.append(unquote_plus(t))
            found.append(html.unescape(t))
            nxt += [f for f in found if f and f != t and f not in views]
        views += nxt
        frontier = [f for f in nxt if len(f) >= 16]
    return views


def scan_text(text: str, needles: list[Needle], *, decode: bool = False) -> list[Needle]:
    views = decoded_views(text) if decode else [text]
    hays = [_norm(html.unescape(v)) for v in views]
    seen, out = set(), []
    for n in needles:
        t = _norm(n.text)
        if t and any(t in hay for hay in hays) and (n.kind, t) not in seen:
            seen.add((n.kind, t))
            out.append(n)
    return out


def notebook_text(path: Path) -> str:
    """All the text of a notebook a student could see: sources, outputs and metadata."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    parts = []
    for cell in nb.cells:
        parts.append(cell.source if isinstance(cell.source, str) else "".join(cell.source))
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
            for v in (out.get("data") or {}).values():
                parts.append(v if isinstance(v, str) else json.dumps(v))
        parts.append(json.dumps(cell.get("metadata", {})))
    parts.append(json.dumps(nb.metadata))
    return "\n".join(parts)


def scan_files(files: list[Path], needles: list[Needle], base: Path, *, decode: bool = False) -> list[Leak]:
    """Leaks in each file (any file: notebooks by their text, others as text, binary or not).
    With decode=True, base64/hex/rot13/%-encoded copies of protected text are found too."""
    leaks = []
    for f in files:
        text = notebook_text(f) if f.suffix == ".ipynb" else f.read_bytes().decode("utf-8", errors="replace")
        for n in scan_text(text, needles, decode=decode):
            leaks.append(Leak(str(f.relative_to(base)), n))
    return leaks


def _probe_answers(key: dict) -> dict:
    """Answers that differ from the key, so the probe's own text is never solution text."""
    out = {}
    for it in key.get("items", []):
        kind, iid = it["kind"], it["id"]
        if kind == "reflection":
            out[iid] = ('answer_1 = """\nThe counselor would respond calmly and talk it over in the next session. '
                        'Probe text written by the release check.\n"""\n').replace("answer_1", iid)
        elif kind == "single":
            other = next(o for o in it["options"] if str(o).upper() != str(it["answer"]).upper())
            out[iid] = f"{iid} = {str(other)!r}\n"
        elif kind == "multiple":
            out[iid] = f"{iid} = {str(it['options'][-1])!r}\n"
        elif kind == "matching":
            out[iid] = f"{iid} = {{{', '.join(repr(k) + ': ' + repr('') for k in it['answer'])}}}\n"
        elif kind == "ordering":
            out[iid] = f"{iid} = {', '.join(reversed([str(a) for a in it['answer']]))!r}\n"
    return out


def copy_course(root: Path, dest: Path, assignments: list[str]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / gbmod.CONFIG_NAME, dest / gbmod.CONFIG_NAME)
    if (root / "rubrics").is_dir():
        shutil.copytree(root / "rubrics", dest / "rubrics", dirs_exist_ok=True)
    for a in assignments:
        shutil.copytree(root / "source" / a, dest / "source" / a, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


def check_release(assignments: list[str] | None = None, root: Path | None = None,
                  *, feedback: bool = True, log=print) -> list[Leak]:
    """Generate, autograde a probe and generate feedback in a temp copy; return every leak."""
    real_root = gbmod.course_root(root)
    known = gbmod.assignments(real_root)
    assignments = list(assignments or known)
    unknown = [a for a in assignments if a not in known]
    if unknown:
        raise CourseError(f"No such assignment: {', '.join(unknown)}.",
                          hint=f"Assignments in {real_root / 'source'}: {', '.join(known) or 'none'}.")
    leaks: list[Leak] = []
    with tempfile.TemporaryDirectory(prefix="course-release-check-") as tmp:
        work = copy_course(real_root, Path(tmp) / "grading", assignments)
        api = gbmod.open_api(work)
        for a in assignments:
            needles = build_needles(work, a)
            res = api.generate_assignment(a, force=True)
            if not res.get("success"):
                raise CourseError(f"nbgrader could not generate '{a}': {res.get('error') or 'see its log'}",
                                  hint="Run: course validate grading/rubrics, and check the source notebook's nbgrader metadata.")
            released = sorted((work / "release" / a).glob("*.ipynb"))
            leaks += scan_files(released, needles, work)
            log(f"{a}: released notebook checked ({len(needles)} protected strings)")
            if not feedback:
                continue
            from course.grading.items import load_items
            key = load_items(a, work)
            probe = "release-check-probe"
            sub = work / "submitted" / probe / a
            sub.mkdir(parents=True, exist_ok=True)
            answers = _probe_answers(key)
            for nbfile in released:
                nb = nbformat.read(str(nbfile), as_version=4)
                for cell in nb.cells:
                    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                    if gid in answers:
                        cell.source = answers[gid]
                nbformat.write(nb, str(sub / nbfile.name))
            (sub / "timestamp.txt").write_text("2026-01-01 00:00:00 UTC")
            r = api.autograde(a, probe, force=True)
            if not r.get("success"):
                raise CourseError(f"The probe submission for '{a}' could not be autograded: {r.get('error')}",
                                  hint="Check the answer key (course validate grading/rubrics/items).")
            r = api.generate_feedback(a, probe, force=True)
            if not r.get("success"):
                raise CourseError(f"Feedback for '{a}' could not be generated: {r.get('error')}")
            fb = sorted((work / "feedback" / probe / a).glob("*.html"))
            leaks += scan_files(fb, build_needles(work, a, feedback=True), work)
            log(f"{a}: generated feedback checked")
    return leaks
