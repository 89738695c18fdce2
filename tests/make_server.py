"""Start a server the way a person does, through its make target (make lab, make grade, make read),
in a throwaway setting: its own token, Jupyter config and runtime folders, workspace, progress folder
and JupyterLab user settings, so nothing of the user's ~/.jupyter or data folder is read or written.

Used by tests/test_make_lab.py (HTTP checks) and tests/browser/conftest.py (the same servers in Chromium).
"""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOKEN = "course-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_for_make() -> str:
    """The venv these tests run in, relative to the repository, when `make` made it (so the target
    starts at once instead of installing a new one). Otherwise skip, or fail under CI=true, where
    `make test` always runs the suite from a venv that make created."""
    prefix = Path(sys.prefix).resolve()
    problem = None
    if shutil.which("make") is None:
        problem = "make is not installed"
    elif REPO not in prefix.parents:
        problem = f"the tests run in {prefix}, not in a venv under the repository that `make` created"
    elif not (prefix / ".installed").exists():
        problem = f"{prefix} was not made by `make` (no .installed stamp)"
    if problem:
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"make targets cannot be tested: {problem}; run the suite with `make test`")
        pytest.skip(f"make targets not tested: {problem}; run the suite with `make test`")
    return str(prefix.relative_to(REPO))


@dataclass
class Served:
    target: str
    url: str          # http://127.0.0.1:PORT
    base: Path        # its throwaway folders
    workspace: Path   # the learner's notebooks it serves (make lab, make read)
    proc: subprocess.Popen

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        sep = "&" if "?" in path else "?"
        with urllib.request.urlopen(f"{self.url}{path}{sep}token={TOKEN}", timeout=timeout) as r:
            return r.status, r.read().decode()

    def log(self) -> str:
        return (self.base / f"{self.target}.log").read_text(errors="replace")[-4000:]


def _args(target: str, port: int, base: Path) -> list[str]:
    if target == "read":
        return [f"READ_PORT={port}", "READ_ARGS=--no-browser --ServerApp.port_retries=0"]
    return [f"PORT={port}",
            f"LAB_ARGS=--no-browser --ServerApp.port_retries=0 --LabApp.workspaces_dir={base / 'ws'} "
            f"--LabApp.user_settings_dir={base / 'settings'}"]


def start(target: str, base: Path, *, ready: str, extra: list[str] = (), timeout: float = 120) -> Served:
    """`make <target>` on a free port, waiting until GET `ready` answers 200 (three tries: a port
    picked as free may be taken by a kernel before the server binds it)."""
    venv = venv_for_make()
    base.mkdir(parents=True, exist_ok=True)
    workspace = base / "learner" / "notebooks"
    env = dict(os.environ, JUPYTER_TOKEN=TOKEN, JUPYTER_RUNTIME_DIR=str(base / "rt"),
               JUPYTER_CONFIG_DIR=str(base / "cfg"), JUPYTER_DATA_DIR=str(base / "data"), BROWSER="true", COURSE_WORKSPACE=str(workspace),
               COURSE_PROGRESS_DIR=str(base / "learner"),
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    env.pop("JUPYTER_CONFIG_PATH", None)
    for _attempt in range(3):
        port = free_port()
        log = open(base / f"{target}.log", "w")
        proc = subprocess.Popen(
            ["make", "--no-print-directory", target, f"VENV={venv}", *_args(target, port, base), *extra],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        served = Served(target, f"http://127.0.0.1:{port}", base, workspace, proc)
        deadline = time.time() + timeout
        while time.time() < deadline and proc.poll() is None:
            try:
                if served.get(ready, timeout=5)[0] == 200:
                    return served
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.5)
        stop(served)
    pytest.fail(f"make {target} did not serve {ready} within {timeout:.0f} s:\n{served.log()}")


def stop(served: Served) -> None:
    try:
        os.killpg(served.proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        served.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(served.proc.pid, signal.SIGKILL)
        served.proc.wait(timeout=10)
