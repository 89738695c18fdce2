"""`make lab` (the README's first command) serves the orientation notebook."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "jupyter").exists(),
                    reason="make lab uses the repository's .venv, which this run did not create")
def test_make_lab_serves_start_notebook(tmp_path):
    port, token = _free_port(), "course-test-token"
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), BROWSER="true")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}",
         f"LAB_ARGS=--no-browser --LabApp.workspaces_dir={tmp_path / 'ws'}"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, body = time.time() + 120, None
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/contents/00_start_here.ipynb?token={token}", timeout=3) as r:
                    body = json.load(r)
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "make lab did not serve the start notebook within 120 s"
        assert body["name"] == "00_start_here.ipynb" and body["type"] == "notebook"
        with urllib.request.urlopen(f"{base}/lab/tree/00_start_here.ipynb?token={token}", timeout=10) as r:
            html = r.read().decode()
        assert r.status == 200 and "JupyterLab" in html
        # the course's offline settings are in force: the news feed is switched off
        assert '"news": {"disabled": true}' in html
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
