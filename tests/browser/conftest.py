"""JupyterLab in headless Chromium (Debian's browser driven by Playwright).

Fixtures:
    lab            session-scoped JupyterLab serving a temporary COPY of notebooks/
                   (attributes: url, root, port, and progress: this test's progress folder)
    page           a fresh Playwright page (one browser per session, one context per test)
    open_notebook  open_notebook(page, "01_the_frame.ipynb") -> waits for cells + idle kernel
    run_all        run_all(page) -> Run > Run All Cells, then waits until every code cell has run
                   (an execution count in its prompt) and the kernel is idle; fails on a cell error
    artifacts      folder for screenshots (tests/artifacts/)
    student_lab, instructor_lab, reading_view
                   session-scoped servers started the way a person starts them: `make lab`, `make grade`
                   (on a copy of grading/) and `make read`, each with throwaway settings, workspace and
                   progress folders (tests/make_server.py); attributes url, workspace, base. A test that
                   uses only these does not start the `lab` above.
Each test starts clean (an autouse fixture): fresh copies of the notebooks, no kernel left from an
earlier test, and its own empty progress folder, so one test's answers cannot satisfy another's check.
Browser tests skip with a reason when chromium or playwright is missing, unless
COURSE_REQUIRE_BROWSER=1 or CI is set, where a missing browser fails the run.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
# Debian's chromium from PATH (or $COURSE_CHROMIUM); Playwright's own browser download is never used.
CHROMIUM = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") or ""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = "Python 3 (ipykernel) | Idle"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install -e '.[test]')"
    if not CHROMIUM or not Path(CHROMIUM).exists():
        return f"Debian's chromium is not installed ({CHROMIUM or 'no chromium on PATH'}; apt-get install chromium)"
    return None


def _need_browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"browser tests are required here (COURSE_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(f"browser tests skipped: {reason}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_lab(proc, url: str, timeout: float) -> bool:
    """True once this Lab process answers /api/status; False if it exits or never answers."""
    import http.client

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as r:
                if r.status == 200 and "started" in json.loads(r.read() or b"{}"):
                    return True
        except (OSError, http.client.HTTPException, ValueError):
            pass
        time.sleep(0.5)
    return False


class Lab:
    def __init__(self, url: str, root: Path, port: int, base: Path | None = None):
        self.url, self.root, self.port, self.base = url, root, port, base
        self.progress: Path | None = None   # this test's progress folder (set per test)

    def _api(self, method: str, path: str) -> object:
        req = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every session and kernel, so the next test starts its own (reading its own progress)."""
        import urllib.error

        for kind in ("sessions", "kernels"):
            for item in self._api("GET", f"/api/{kind}") or []:
                try:
                    self._api("DELETE", f"/api/{kind}/{item['id']}")
                except urllib.error.HTTPError as exc:
                    if exc.code != 404:   # gone already (its session took it): fine
                        raise


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    _need_browser()
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(base / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(base / ".runtime"),
        JUPYTER_DATA_DIR=env.get("JUPYTER_DATA_DIR", str(Path(sys.prefix) / "share" / "jupyter")),
        # a link the per-test fixture points at a fresh folder: kernels started in a test write there
        COURSE_PROGRESS_DIR=str(base / "progress"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    # Fresh settings: no "get notified about news?" toast over the screenshots.
    toast = base / ".st" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    toast.parent.mkdir(parents=True, exist_ok=True)
    toast.write_text('{"fetchNews": "false"}')
    # Render every cell: JupyterLab 4's default windowing hides cells scrolled out of view, which
    # makes widgets far down a long reading look "hidden" to the browser tests.
    tracker = base / ".st" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text('{"windowingMode": "none"}')
    proc = url = port = None
    for attempt in range(3):  # a port picked as free can be taken by a kernel before Lab binds it
        port = _free_port()
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               "--ServerApp.port_retries=0",
               "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
               f"--LabApp.workspaces_dir={base / '.ws'}", f"--LabApp.user_settings_dir={base / '.st'}",
               "--ServerApp.open_browser=False", "--LabApp.news_url=None",
               "--ServerApp.disable_check_xsrf=True",  # the fixtures end kernels over the REST API
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        log = open(base / f"lab-{attempt}.log", "w")
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        if _wait_for_lab(proc, url, timeout=90):
            break
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    else:
        pytest.fail(f"JupyterLab did not start after 3 attempts; see the logs in {base}:\n"
                    + (base / "lab-2.log").read_text()[-3000:])
    yield Lab(url, root, port, base)
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(autouse=True)
def _clean_lab_per_test(request):
    if "lab" not in request.fixturenames:   # a test of a make target's own server
        yield None
        return
    yield from _clean_lab(request.getfixturevalue("lab"), request)


def _clean_lab(lab, request):
    """Fresh notebook copies and an empty progress folder for this test; its kernels end after it.

    Lab autosaves outputs into its copy, and a reused kernel or a shared progress folder would let
    one test's answers satisfy another test's check.
    """
    for nb in (REPO / "notebooks").rglob("*.ipynb"):
        rel = nb.relative_to(REPO / "notebooks")
        if ".ipynb_checkpoints" not in rel.parts:
            (lab.root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(nb, lab.root / rel)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in request.node.name)[:60]
    folder = lab.base / "progress-per-test" / f"{safe}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    link = lab.base / "progress"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(folder, target_is_directory=True)
    lab.progress = folder
    yield folder
    lab.progress = None
    lab.shut_down_kernels()


@pytest.fixture(scope="session")
def _browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    from playwright.sync_api import expect

    # waiting assertions wait up to 15 s (default 5 s): this machine runs the suite on 2 shared cores
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser):
    context = _browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _n_cells(lab_root: Path, relpath: str) -> int:
    nb = json.loads((lab_root / relpath).read_text(encoding="utf-8"))
    return len(nb["cells"])


def wait_idle(page, timeout: float = 60_000) -> None:
    page.get_by_text(IDLE, exact=False).first.wait_for(timeout=timeout)


@pytest.fixture
def open_notebook(lab):
    def _open(page, relpath: str):
        # A fresh workspace per test: otherwise Lab restores the tabs an earlier test opened,
        # and one of them can come to the front and hide this notebook.
        page.goto(f"{lab.url}/lab/workspaces/t{uuid.uuid4().hex[:12]}/tree/{relpath}")
        n = _n_cells(lab.root, relpath)
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length >= n",
            arg=n, timeout=60_000)
        wait_idle(page)
        return page

    return _open


# "done" once every non-empty code cell of the notebook in front shows an execution count ("[3]:"),
# or, for a folded cell, an output (or a later cell has run: the kernel check shows nothing).
# Run All marks every cell queued ("[*]:") at once and, when a cell raises, stops and clears the
# queue: numbered cells, then un-run ones, and none queued means it stopped ("stopped: <output>").
# Empty cells are never run and are not waited for.
_RUN_STATE = r"""() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  // a folded cell (source_hidden: widget cells in the student notebooks) has no prompt in the page;
  // it counts as run once it shows an output (every one of them shows something, an error included)
  const folded = c => !!c.querySelector('.jp-InputPlaceholder');
  const cells = [...panel.querySelectorAll('.jp-CodeCell')]
    .filter(c => folded(c) || (c.querySelector('.jp-InputArea-editor')?.textContent || '').trim());
  const prompts = cells.map(c => c.querySelector('.jp-InputPrompt')?.textContent || '');
  const shown = cells.map((c, i) => folded(c) ? !!c.querySelector('.jp-OutputArea-output')
                                               : /\[\d+\]/.test(prompts[i]));
  // Run All runs the cells in order: a cell above one that ran has run too (the kernel check, a
  // folded first cell, shows nothing when the course is there: tools/notebook_src/kernel_check.py)
  const last = shown.lastIndexOf(true);
  const ran = cells.filter((c, i) => i <= last);
  if (ran.length === cells.length) return 'done';
  if (prompts.some(p => p.includes('*')) || !ran.length) return null;
  // a folded cell shows no "[*]" while queued: still waiting, unless a cell has shown an error
  const error = panel.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  if (cells.some(c => folded(c) && !ran.includes(c)) && !error) return null;
  return 'stopped: ' + (ran[ran.length - 1].querySelector('.jp-OutputArea')?.textContent || '').slice(-3000);
}"""


def wait_all_ran(page, timeout: float = 90_000) -> None:
    """Wait until every code cell has run; fail at once, with the error, if one raised."""
    state = page.wait_for_function(_RUN_STATE, timeout=timeout).json_value()
    if state != "done":
        raise AssertionError(f"Run All stopped at a cell that failed; its output:\n{state}")
    wait_idle(page, timeout)


@pytest.fixture
def run_all():
    def _run(page, timeout: float = 90_000):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        wait_all_ran(page, timeout)
        return page

    return _run


# --- servers started through their make targets -------------------------------------------------
def _served(target: str, tmp_path_factory, **kw):
    from tests import make_server

    _need_browser()
    served = make_server.start(target, tmp_path_factory.mktemp(f"make-{target}"), **kw)
    try:
        yield served
    finally:
        make_server.stop(served)


@pytest.fixture(scope="session")
def student_lab(tmp_path_factory):
    """`make lab`: the student's JupyterLab on a fresh learner workspace."""
    yield from _served("lab", tmp_path_factory, ready="/api/contents/00_start_here.ipynb")


@pytest.fixture(scope="session")
def instructor_lab(tmp_path_factory):
    """`make grade` on a copy of grading/ (formgrader writes its gradebook there, not in the repository)."""
    grading = tmp_path_factory.mktemp("grading-copy") / "grading"
    shutil.copytree(REPO / "grading", grading, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "gradebook.db*", ".course-autograde"))
    yield from _served("grade", tmp_path_factory, ready="/api/status", extra=[f"GRADING={grading}"])


@pytest.fixture(scope="session")
def reading_view(tmp_path_factory):
    """`make read`: Voila serving the learner's workspace as code-free pages."""
    yield from _served("read", tmp_path_factory, ready="/voila/tree")
