"""Benchmark: autograde a synthetic cohort the way nbgrader does it (its API, one student at a time,
each notebook executed in a kernel) and with `course autograde --jobs 2` (no kernel: answers are
scored from the source), in the same run, on identical copies of the same course.

    python bench/autograde.py [--students 200] [--assignment m1_frame] [--jobs 2] [--keep DIR]

Prints both wall times and their ratio (target: >= 20), and fails (exit 1) if the two gradebooks
differ in any score, flag, comment, timestamp or late penalty. The baseline's course config is the
course's own with nbgrader's Execute in place of ConfinedExecute (the synthetic cohort is trusted
code, so running it is safe here); every other step, and so every grade, is the same.
The reflection scorer has its own benchmark, bench/scorer.py (answers per second on one core).

The cohort: each submission is the released notebook with every answer cell set, per student and
per cell (seeded), to the instructor's solution, a shortened reflection (fewer concepts), a wrong
letter for a choice, or left blank, so scores, flags and concept coverage vary as in a real class.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def copy_course(dest: Path, assignment: str) -> Path:
    """A private copy of the shipped course root (config, rubrics, one source assignment)."""
    src = REPO / "grading"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "nbgrader_config.py", dest / "nbgrader_config.py")
    if (src / "rubrics").is_dir():
        shutil.copytree(src / "rubrics", dest / "rubrics", dirs_exist_ok=True)
    shutil.copytree(src / "source" / assignment, dest / "source" / assignment, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


def generate(root: Path, assignment: str) -> None:
    from course.grading.cohort import make_api

    res = make_api(root).generate_assignment(assignment, force=True)
    if not res["success"]:
        raise SystemExit("generate_assignment failed:\n" + (res.get("log") or "") + (res.get("error") or ""))


def _variant(solution: str, stub: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.55:
        return solution
    if r < 0.80:
        m = re.search(r'"""(.*)"""', solution, re.S)
        if m:  # a reflection: keep only its first sentences
            sentences = re.split(r"(?<=[.!?])\s+", m.group(1).strip())
            keep = " ".join(sentences[: max(1, rng.randint(1, max(1, len(sentences) // 2)))])
            return solution[: m.start(1)] + "\n" + keep + "\n" + solution[m.end(1):]
        m = re.search(r'= "([A-E])"', solution)
        if m:  # a single choice: another letter
            other = rng.choice([x for x in "ABCD" if x != m.group(1)])
            return solution.replace(f'"{m.group(1)}"', f'"{other}"')
        return solution
    return stub


def synthesize_cohort(root: Path, assignment: str, n: int, seed: int = 174) -> list[str]:
    """Write n submissions under root/submitted from the released and source notebooks."""
    import nbformat

    rng = random.Random(seed)
    rel = root / "release" / assignment
    src = root / "source" / assignment
    students = [f"student{i:03d}" for i in range(1, n + 1)]
    notebooks = sorted(p.name for p in rel.glob("*.ipynb"))
    for s in students:
        dest = root / "submitted" / s / assignment
        dest.mkdir(parents=True, exist_ok=True)
        for name in notebooks:
            nb = nbformat.read(rel / name, as_version=4)
            snb = nbformat.read(src / name, as_version=4)
            solutions = {}
            for c in snb.cells:
                gid = c.metadata.get("nbgrader", {}).get("grade_id")
                m = SOLUTION.search(c.source)
                if gid and m:
                    solutions[gid] = m.group(1)
            for c in nb.cells:
                gid = c.metadata.get("nbgrader", {}).get("grade_id")
                if gid in solutions and c.metadata["nbgrader"].get("solution"):
                    c.source = _variant(solutions[gid], c.source, rng)
            nbformat.write(nb, dest / name)
        (dest / "timestamp.txt").write_text(f"2026-11-20 {9 + rng.randint(0, 8):02d}:{rng.randint(0, 59):02d}:00 UTC")
    return students


def code_digest() -> str:
    """A digest of the grading code and rubrics: if another change lands mid-run (a shared working
    tree), the two runs graded with different scorers and their comparison means nothing."""
    import hashlib

    h = hashlib.sha256()
    for base in (REPO / "course" / "grading", REPO / "course" / "rubric.py", REPO / "course" / "rubric_text.py",
                 REPO / "course" / "content", REPO / "grading" / "rubrics", REPO / "grading" / "nbgrader_config.py"):
        if not base.exists():
            continue
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file()
                                                      and p.suffix in (".py", ".yml", ".yaml", ".json"))
        for p in files:
            h.update(str(p.relative_to(REPO)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def run(students: int, assignment: str, jobs: int, keep: Path | None) -> int:
    from course.grading.cohort import gradebook_snapshot, make_api

    base = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-autograde-"))
    seq_root, par_root = base / "sequential", base / "parallel"
    for p in (seq_root, par_root):
        if p.exists():
            shutil.rmtree(p)
    t = time.perf_counter()
    copy_course(seq_root, assignment)
    generate(seq_root, assignment)
    synthesize_cohort(seq_root, assignment, students)
    shutil.copytree(seq_root, par_root, symlinks=True)
    cfg = seq_root / "nbgrader_config.py"
    text = cfg.read_text()
    assert "course.grading.pipeline.ConfinedExecute" in text, "the course config no longer names ConfinedExecute"
    cfg.write_text(text.replace('"course.grading.pipeline.ConfinedExecute"', '"nbgrader.preprocessors.Execute"'))
    print(f"cohort: {students} submissions of {assignment} built in {time.perf_counter() - t:.1f} s ({base})")

    load_start = os.getloadavg()[0]  # the ratio depends on it: both sides share the machine
    digest_before = code_digest()
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    os.environ["PATH"] = env["PATH"]
    import logging
    import warnings

    warnings.filterwarnings("ignore")  # SQLAlchemy and kernel warnings would bury the result
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    api = make_api(seq_root, log_level="ERROR")
    ids = sorted(p.name for p in (seq_root / "submitted").iterdir())
    # kernels write their start-up warnings straight to this process's stderr: into a log instead
    log = base / "sequential-kernels.log"
    saved = os.dup(2)
    with open(log, "w") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            t = time.perf_counter()
            failures = 0
            for s in ids:
                res = api.autograde(assignment, s, force=True, create=True)
                failures += not res["success"]
            t_seq = time.perf_counter() - t
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    print(f"nbgrader, sequential (NbGraderAPI.autograde, kernels): {t_seq:.1f} s "
          f"({t_seq / len(ids):.2f} s/student, {failures} failed)")

    course_cmd = Path(sys.executable).parent / "course"
    cmd = ([str(course_cmd)] if course_cmd.exists() else [sys.executable, "-m", "course.cli"])
    cmd += ["autograde", assignment, "--jobs", str(jobs), "--root", str(par_root)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    t_par = time.perf_counter() - t
    tail = "\n".join(proc.stdout.strip().splitlines()[-3:])
    print(f"course autograde --jobs {jobs} (no kernels): {t_par:.1f} s ({t_par / len(ids):.2f} s/student, exit {proc.returncode})")
    if proc.returncode not in (0, 1):
        print(proc.stdout[-2000:], proc.stderr[-2000:])
    print("  " + tail.replace("\n", "\n  "))

    a = gradebook_snapshot(seq_root / "gradebook.db", assignment)
    b = gradebook_snapshot(par_root / "gradebook.db", assignment)
    diff = [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
    print(f"gradebooks: {len(a)} values each, {len(diff)} differ" + (f", e.g. {sorted(diff)[:3]}" if diff else ""))
    changed = code_digest() != digest_before
    if changed:
        print("WARNING: the grading code or rubrics changed during the run; the gradebook comparison is void. "
              "Run the benchmark again on a quiet tree.")
    print(f"RESULT students={len(ids)} sequential_s={t_seq:.1f} parallel_s={t_par:.1f} "
          f"ratio={t_seq / t_par:.1f}x target>=20x identical={'yes' if not diff else 'NO'} "
          f"load={load_start:.1f}->{os.getloadavg()[0]:.1f} cpus={os.cpu_count()}")
    if not keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if (not diff or changed) and proc.returncode in (0, 1) else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--assignment", default="m1_frame")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", default=None, help="build in this folder and keep it")
    a = ap.parse_args(argv)
    if not (REPO / "grading" / "source" / a.assignment).is_dir():
        print(f"bench/autograde.py: no shipped assignment grading/source/{a.assignment}", file=sys.stderr)
        return 2
    return run(a.students, a.assignment, a.jobs, Path(a.keep) if a.keep else None)


if __name__ == "__main__":
    sys.exit(main())
