"""A learner notebook opened with a kernel that lacks the course (another environment's "Python 3":
a university JupyterHub, JupyterLab Desktop, VS Code) says so in plain words, with the fix, instead
of `ModuleNotFoundError: No module named 'course'` as a traceback (tools/notebook_src/kernel_check.py).

The real case is run: a venv of its own with ipykernel and nothing of the course, as a kernel."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "notebook_src"))
from kernel_check import CHECK_SOURCE, DISPLAY_NAME, GUIDANCE, KERNEL_NAME, is_check  # noqa: E402

LEARNER_NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in LEARNER_NOTEBOOKS]
BARE = "course-test-bare"   # the kernelspec of the venv without the course


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _run(cmd: list[str]) -> str | None:
    """None when it worked, else what went wrong (the command and the end of its output)."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{cmd[0]}: {exc}"
    if r.returncode:
        return f"`{' '.join(map(str, cmd))}` exited {r.returncode}: {(r.stderr or r.stdout).strip()[-500:]}"
    return None


@pytest.fixture(scope="module")
def bare_kernel(tmp_path_factory):
    """A kernel from a fresh venv that has ipykernel (the lock's version) and not the course."""
    base = tmp_path_factory.mktemp("bare-kernel")
    venv = base / "venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    lock = str(REPO / "constraints.txt")
    uv = shutil.which("uv")
    if uv:
        steps = [[uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
                 [uv, "pip", "install", "--quiet", "--python", str(python), "-c", lock, "ipykernel"]]
    else:
        steps = [[sys.executable, "-m", "venv", str(venv)],
                 [str(python), "-m", "pip", "install", "--quiet", "-c", lock, "ipykernel"]]
    for step in steps:
        problem = _run(step)
        if problem:
            msg = f"cannot make a venv with ipykernel for a kernel without the course: {problem}"
            if _in_ci():
                pytest.fail(msg)
            pytest.skip(msg)
    home = base / "home"   # its notebooks' folder: nothing named `course` there
    home.mkdir()
    probe = subprocess.run([str(python), "-c", "import ipykernel, course"], cwd=home,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert "No module named 'course'" in probe.stderr, probe.stderr   # the venv really lacks it
    spec = base / "jupyter" / "kernels" / BARE
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (another environment)", "language": "python"}))
    return base / "jupyter", home


def test_every_learner_notebook_opens_with_the_kernel_check():
    for path in LEARNER_NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        checks = [i for i, c in enumerate(nb.cells) if is_check(c)]
        assert checks == [0], f"{path.name}: the kernel check must be the first cell, once: {checks}"
        cell = nb.cells[0]
        assert cell.source == CHECK_SOURCE, (
            f"{path.name}: an old kernel check; run python tools/notebook_src/kernel_check.py {path}")
        assert cell.metadata["jupyter"]["source_hidden"] is True, "its code is folded away"


def test_the_check_is_silent_when_the_course_is_there(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_DIR", str(tmp_path / "progress"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CHECK_SOURCE)])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert nb.cells[0].outputs == []


@pytest.mark.slow
@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=IDS)
def test_a_kernel_without_the_course_shows_plain_guidance_in_every_cell(path, bare_kernel, monkeypatch):
    jupyter_path, home = bare_kernel
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    shutil.copy(path, home / path.name)
    nb = nbformat.read(home / path.name, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name=BARE, allow_errors=True,
                   resources={"metadata": {"path": str(home)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    # the check cell, and every later cell that uses the course (Run All would stop at the first; a
    # learner may run any other one by hand): one error record whose whole text is the guidance
    uses_course = [i for i, c in enumerate(code) if "course" in c.source]
    assert uses_course[0] == 0 and len(uses_course) >= 2
    for i, cell in enumerate(code):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert len(errors) == (i in uses_course), (i, cell.source[:80], cell.outputs)
        for out in errors:
            assert out.ename == "ModuleNotFoundError" and out.evalue == "No module named 'course'"
            assert out.traceback == GUIDANCE, (i, out.traceback)
    text = "\n".join(GUIDANCE)
    for jargon in ("Traceback", "File \"", "line ", "\x1b["):
        assert jargon not in text
    assert f"pick '{DISPLAY_NAME}'" in text and "make kernel" in text and "make lab" in text
    assert "JupyterHub: tell your instructor" in text


def test_make_kernel_installs_the_kernel_the_guidance_names(tmp_path):
    """`make kernel` puts a kernelspec named as the guidance says into the user's Jupyter data
    folder (here a throwaway one), starting the course's Python."""
    from jupyter_client.kernelspec import KernelSpecManager

    from tests.make_server import venv_for_make

    venv = venv_for_make()
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    r = subprocess.run(["make", "--no-print-directory", "kernel", f"VENV={venv}"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    spec = KernelSpecManager(kernel_dirs=[str(tmp_path / "data" / "kernels")]).get_kernel_spec(KERNEL_NAME)
    assert spec.display_name == DISPLAY_NAME
    python = Path(spec.argv[0])
    assert python.is_absolute() and python.exists()
    probe = subprocess.run([str(python), "-c", "import course, ipykernel"], capture_output=True, text=True,
                           cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
