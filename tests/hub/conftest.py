"""The class-on-a-hub test needs root (it creates Linux users), Debian's chromium and network access
for the first install. Locally without root it skips with the reason; in CI (CI=true) it must run,
and the suite's conftest turns a skip into a failure."""
from __future__ import annotations

import os
import shutil
import sys

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "hub: a real JupyterHub with real Linux users (needs root)")


def hub_unavailable() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the hub test needs Linux (Linux users, PAM, cgroups)"
    if os.geteuid() != 0:
        return "the hub test needs root: it creates Linux users and runs JupyterHub (sudo make test PYTEST_ARGS=tests/hub)"
    for tool in ("useradd", "userdel", "chpasswd", "runuser", "gpasswd"):
        if not shutil.which(tool):
            return f"the hub test needs {tool} (Debian's passwd/util-linux)"
    return None
