"""The `course` command: help lists subcommands; mistakes get one plain line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from course.cli import _command_modules, main

BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "course"), *args], capture_output=True, text=True, timeout=120)


def test_help_lists_every_subcommand():
    res = run("--help")
    assert res.returncode == 0
    names = [m.NAME for m in _command_modules()]
    assert {"validate", "info"} <= set(names)
    for name in names:
        assert name in res.stdout, f"'{name}' missing from course --help"


def test_unknown_subcommand_is_one_line():
    res = run("definitely-not-a-command")
    assert res.returncode == 2
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, res.stderr
    assert "definitely-not-a-command" in lines[0] and "course --help" in lines[0]
    assert "Traceback" not in res.stderr


def test_course_error_is_plain(capsys, monkeypatch):
    import course.commands.info as info
    from course.errors import CourseError

    def boom(args):
        raise CourseError("The gradebook is locked.", hint="Close formgrader and try again.")

    monkeypatch.setattr(info, "run", boom)
    assert main(["info"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "course info: The gradebook is locked. Close formgrader and try again."


def test_info_runs():
    res = run("info")
    assert res.returncode == 0 and "content:" in res.stdout
