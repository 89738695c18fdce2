"""`make lab` (the README's first command) serves the orientation notebook."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _venv() -> str:
    """The venv this test runs in, relative to the repository, when `make` made it (so `make lab`
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
            pytest.fail(f"`make lab` cannot be tested: {problem}; run the suite with `make test`")
        pytest.skip(f"`make lab` not tested: {problem}; run the suite with `make test`")
    return str(prefix.relative_to(REPO))


def _start(tmp_path, port, token, venv):
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), BROWSER="true")
    return subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"VENV={venv}",
         f"LAB_ARGS=--no-browser --ServerApp.port_retries=0 --LabApp.workspaces_dir={tmp_path / 'ws'}"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)


def _stop(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_make_lab_serves_start_notebook(tmp_path):
    token = "course-test-token"
    venv = _venv()
    for _attempt in range(3):  # a port picked as free may be grabbed by a kernel before Lab binds it
        port = _free_port()
        proc = _start(tmp_path, port, token, venv)
        base = f"http://127.0.0.1:{port}"
        deadline, body = time.time() + 120, None
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/contents/00_start_here.ipynb?token={token}", timeout=3) as r:
                    body = json.load(r)
                    break
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.5)
        if body is not None:
            break
        _stop(proc)
    try:
        assert body is not None, "make lab did not serve the start notebook within 120 s"
        assert body["name"] == "00_start_here.ipynb" and body["type"] == "notebook"
        with urllib.request.urlopen(f"{base}/lab/tree/00_start_here.ipynb?token={token}", timeout=10) as r:
            html = r.read().decode()
        assert r.status == 200 and "JupyterLab" in html
        # the course's offline settings are in force: the news feed is switched off
        assert '"news": {"disabled": true}' in html
    finally:
        _stop(proc)
