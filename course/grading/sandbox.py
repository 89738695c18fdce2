"""Run a notebook's code confined: for the rare assignment that must execute to be graded.

The course's own assignments never execute (scores come from the answer cells' source, see
pipeline.py). An assignment that declares `execute: true` in its answer key, or a plain nbgrader
assignment whose test cells compute the score in the kernel, is run here instead of in the
grader's own process:

* **bubblewrap** (Debian's `bwrap`, `apt-get install bubblewrap`) builds an empty root with only
  the system libraries and this Python environment, read-only; no course folder, no home folder,
  no other student's work is visible. New PID, network, IPC and UTS namespaces: no network (only a
  loopback for the kernel's own sockets), and when the run ends every process it started dies with
  its PID namespace (`--die-with-parent` covers a killed grader too).
* Inside, the run drops to an unprivileged user id of its own (`setpriv`), no capabilities, with
  `prlimit` limits: address space, processes, CPU seconds, size of any file written, open files.
* The notebook goes in on stdin and comes back on stdout, at most `max_output_bytes`; the working
  folder is a size-capped tmpfs that disappears with the run. Nothing else is ever copied back.
* The parent enforces a wall-clock limit for the whole notebook and kills the sandbox's process
  group when it is over.

`execute(nb, ...)` returns an `Outcome` with the executed notebook (only outputs and execution
counts are taken from it) and the reasons a grader should look (time limit, kernel death, limits
hit). `available()` says whether confinement works on this machine; when it does not, the caller
refuses to grade rather than run the code unconfined.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

WORKDIR = "/submission"  # the only writable folder inside (a tmpfs)
DEFAULTS = {
    "cell_timeout": 10,            # seconds per cell (nbgrader's Execute.timeout)
    "total_timeout": 120,          # seconds for the whole notebook, kernel start included
    "memory_bytes": 2 * 1024**3,   # address space of every process inside
    "processes": 64,               # processes of the sandbox's user id
    "cpu_seconds": 120,
    "file_bytes": 16 * 1024**2,    # any single file written inside
    "disk_bytes": 64 * 1024**2,    # the whole working folder (tmpfs)
    "max_output_bytes": 8 * 1024**2,  # the executed notebook taken back
    "max_output_chars": 100_000,   # one output's text
}

# The runner, shipped into the sandbox as source text (it imports nothing of the course).
def _runner():  # pragma: no cover - runs inside the sandbox
    import json
    import os
    import sys

    raw = sys.stdin.buffer.read()
    proto = os.fdopen(os.dup(1), "w")
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    cfg = json.loads(sys.argv[1])
    status, detail, nb = "ok", "", None
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        client = NotebookClient(nb, timeout=cfg["cell_timeout"], interrupt_on_timeout=True, allow_errors=True,
                                kernel_name=cfg["kernel"], startup_timeout=60, shutdown_kernel="immediate",
                                resources={"metadata": {"path": os.getcwd()}})
        try:
            client.execute()
        except CellTimeoutError:
            status = "timeout"
        except DeadKernelError:
            status = "dead"
        limit = cfg["max_output_chars"]
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if isinstance(out.get("text"), str) and len(out["text"]) > limit:
                    out["text"] = out["text"][:limit] + "\n[output cut by the course grader]\n"
                for k, v in list((out.get("data") or {}).items()):
                    if isinstance(v, str) and len(v) > limit:
                        out["data"][k] = v[:limit]
        proto.write(json.dumps({"status": status, "detail": detail, "notebook": nbformat.writes(nb)}))
    except Exception as exc:  # reported, never raised: the parent decides
        proto.write(json.dumps({"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:300],
                                "notebook": None}))
    proto.flush()
    os._exit(0)


@dataclass
class Outcome:
    notebook: object | None             # the executed notebook, or None
    status: str                         # ok | timeout | dead | killed | output-limit | error
    reasons: list[str] = field(default_factory=list)


def _bwrap() -> str | None:
    return shutil.which("bwrap")


def _ancestors(path: Path) -> list[str]:
    parts, out = Path(path).resolve().parts, []
    for i in range(2, len(parts)):
        out.append(str(Path(*parts[:i])))
    return out


def _binds() -> list[str]:
    """Read-only binds: the system and this Python environment, nothing of the course."""
    args: list[str] = []
    made: set[str] = set()
    for p in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/sbin", "/etc/alternatives", "/etc/ssl"):
        if os.path.exists(p):
            if os.path.islink(p):
                args += ["--symlink", os.readlink(p), p]
            else:
                args += ["--ro-bind", p, p]
    pythons = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
               Path(os.path.realpath(sys.executable)).parent.parent}
    for prefix in sorted(pythons, key=lambda p: len(p.parts)):
        if any(str(prefix).startswith(s) for s in ("/usr", "/bin", "/lib")):
            continue
        for anc in _ancestors(prefix):
            if anc not in made and not any(anc == str(p) for p in pythons):
                made.add(anc)
                args += ["--perms", "0755", "--dir", anc]
        args += ["--ro-bind", str(prefix), str(prefix)]
    return args


def command(cfg: dict, uid: int) -> list[str]:
    c = {**DEFAULTS, **cfg}
    py = sys.executable
    return [
        _bwrap() or "bwrap",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session", "--clearenv",
        "--proc", "/proc", "--dev", "/dev",
        *_binds(),
        "--perms", "1777", "--size", str(int(c["disk_bytes"])), "--tmpfs", "/tmp",
        "--perms", "0777", "--size", str(int(c["disk_bytes"])), "--tmpfs", WORKDIR,
        "--chdir", WORKDIR,
        "--setenv", "HOME", "/tmp", "--setenv", "PATH", f"{Path(py).parent}:/usr/bin:/bin",
        "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/jupyter", "--setenv", "IPYTHONDIR", "/tmp/ipython",
        "--setenv", "MPLCONFIGDIR", "/tmp/mpl", "--setenv", "MPLBACKEND", "Agg", "--setenv", "LANG", "C.UTF-8",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
        shutil.which("setpriv") or "/usr/bin/setpriv",
        f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
        shutil.which("prlimit") or "/usr/bin/prlimit",
        f"--as={int(c['memory_bytes'])}", f"--nproc={int(c['processes'])}", f"--cpu={int(c['cpu_seconds'])}",
        f"--fsize={int(c['file_bytes'])}", "--nofile=256", "--core=0",
        py, "-I", "-c", _runner_source(), json.dumps({k: c[k] for k in ("cell_timeout", "max_output_chars")}
                                                     | {"kernel": c.get("kernel", "python3")}),
    ]


@functools.lru_cache(maxsize=1)
def _runner_source() -> str:
    import inspect
    import textwrap

    return textwrap.dedent(inspect.getsource(_runner)) + "\n_runner()\n"


def _uid() -> int:
    return 61000 + os.getpid() % 4000


@functools.lru_cache(maxsize=1)
def available() -> str | None:
    """None when confined execution works here; else why not, in plain words."""
    if sys.platform != "linux":
        return "confined execution needs Linux (bubblewrap)"
    if _bwrap() is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    for tool in ("setpriv", "prlimit"):
        if shutil.which(tool) is None:
            return f"{tool} (util-linux) is not installed"
    probe = [a for a in command({}, _uid())]
    probe[probe.index("-c") + 1] = "print('ok')"
    del probe[probe.index("-c") + 2]
    try:
        out = subprocess.run(probe, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start ({exc})"
    if out.returncode != 0 or out.stdout.strip() != "ok":
        return "bubblewrap could not start a confined Python here: " + (out.stderr.strip().splitlines() or ["?"])[-1][:200]
    return None


def execute(nb, **cfg) -> Outcome:
    """Execute `nb` (a NotebookNode) confined; never raises for anything the notebook does."""
    import nbformat

    c = {**DEFAULTS, **cfg}
    why = available()
    if why:
        return Outcome(None, "error", [f"confined execution is not available: {why}"])
    data = nbformat.writes(nb).encode("utf-8")
    proc = subprocess.Popen(command(c, _uid()), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    chunks: list[bytes] = []
    size = [0]
    over = threading.Event()

    def reader():
        while True:
            b = proc.stdout.read(65536)
            if not b:
                return
            size[0] += len(b)
            if size[0] > c["max_output_bytes"]:
                over.set()
                return
            chunks.append(b)

    def writer():
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    threads = [threading.Thread(target=reader, daemon=True), threading.Thread(target=writer, daemon=True)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + c["total_timeout"]
    killed = False
    while proc.poll() is None:
        if over.is_set() or time.monotonic() > deadline:
            killed = True
            break
        time.sleep(0.05)
    _kill(proc)
    threads[0].join(5)
    if over.is_set():
        return Outcome(None, "output-limit", [f"the notebook's output passed {c['max_output_bytes'] // 1024**2} MB; "
                                              "execution was stopped"])
    if killed:
        return Outcome(None, "killed", [f"the notebook ran past the {c['total_timeout']} s limit and was stopped"])
    try:
        msg = json.loads(b"".join(chunks).decode("utf-8"))
        executed = nbformat.reads(msg["notebook"], as_version=4) if msg.get("notebook") else None
        status = str(msg.get("status") or "error")
    except Exception:
        return Outcome(None, "error", ["the confined run returned nothing readable (it was stopped or crashed)"])
    reasons = []
    if status == "timeout":
        reasons.append(f"a cell ran past the {c['cell_timeout']} s limit and was interrupted")
    elif status == "dead":
        reasons.append("the notebook's code stopped its kernel (for example sys.exit, os._exit or a crash)")
    elif status == "error":
        reasons.append("the confined run failed: " + str(msg.get("detail") or "unknown")[:200])
    if executed is not None:
        for cell in executed.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") in ("SystemExit", "KeyboardInterrupt"):
                    reasons.append(f"a cell stopped with {out['ename']} (an exit call, or a cell interrupted "
                                   "after the time limit)")
                    break
    return Outcome(executed, status, list(dict.fromkeys(reasons)))


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


def merge_outputs(target, executed) -> None:
    """Copy outputs and execution counts from the executed copy; never sources or metadata."""
    if executed is None:
        return
    by_id = {c.get("id"): c for c in executed.cells if c.get("id")}
    for i, cell in enumerate(target.cells):
        if cell.cell_type != "code":
            continue
        other = by_id.get(cell.get("id")) or (executed.cells[i] if i < len(executed.cells) else None)
        if other is None or other.get("cell_type") != "code":
            continue
        cell.outputs = other.get("outputs", [])
        cell.execution_count = other.get("execution_count")
