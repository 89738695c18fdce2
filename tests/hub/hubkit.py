"""A real class on a real JupyterHub on this machine: Linux users, the hub, sign-in over HTTP.

Used by tests/hub/test_hub_e2e.py and bench/hub_load.py. Everything runs as root (the hub starts
each user's server as that user); `Class.teardown()` removes what `Class.setup()` made, users included.
"""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy" / "jupyterhub"
VENV = Path(os.environ.get("TR_HUBTEST_VENV", "/opt/tr-hubtest/venv"))  # kept between runs: an install cache
COURSE_ID = "therapeutic-relationship"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("errors", "replace")
    return subprocess.run(cmd, **kw)


def install(log: Path, state: Path) -> None:
    """deploy/jupyterhub/install.sh into VENV (idempotent; a few minutes the first time)."""
    env = {**os.environ, "TR_HUB_VENV": str(VENV), "TR_HUB_STATE": str(state)}
    with open(log, "ab") as fh:
        r = subprocess.run(["bash", str(DEPLOY / "install.sh")], env=env, stdout=fh, stderr=subprocess.STDOUT)
    if r.returncode:
        raise RuntimeError(f"install.sh failed (exit {r.returncode}); see {log}:\n" + log.read_text()[-3000:])


@dataclass
class User:
    name: str
    password: str
    role: str

    @property
    def home(self) -> Path:
        return Path(pwd.getpwnam(self.name).pw_dir)

    @property
    def uid(self) -> int:
        return pwd.getpwnam(self.name).pw_uid

    def sh(self, *cmd, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run a command as this Linux user (its own uid, groups, HOME), like a terminal of theirs."""
        e = {"HOME": str(self.home), "USER": self.name, "PATH": f"{VENV}/bin:/usr/bin:/bin", **(env or {})}
        return run(["runuser", "-u", self.name, "--", "env", "-i", *[f"{k}={v}" for k, v in e.items()], *cmd],
                   cwd=str(cwd or self.home))


@dataclass
class Class:
    """One instructor and n students on a fresh hub."""
    workdir: Path
    n_students: int = 3
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    users: list[User] = field(default_factory=list)
    proc: subprocess.Popen | None = None
    port: int = 0

    def __post_init__(self):
        self.state = Path(f"/srv/tr-hubtest-{self.tag}")
        self.staff_group = f"trstaff{self.tag}"
        self.log = self.workdir / "hub.log"
        self.roster = self.workdir / "roster.json"

    @property
    def instructor(self) -> User:
        return self.users[0]

    @property
    def students(self) -> list[User]:
        return self.users[1:]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ setup
    def setup(self, *, mem: str = "1G", cpu: str = "1", extra_env: dict | None = None) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        install(self.workdir / "install.log", self.state)
        names = [(f"tri{self.tag}", "instructor")] + [(f"trs{self.tag}{i}", "student") for i in range(self.n_students)]
        for name, role in names:
            r = run(["useradd", "-m", "-s", "/bin/bash", name])  # Debian: a 0755 home, as in real life
            if r.returncode:
                raise RuntimeError(f"useradd {name}: {r.stderr}")
            u = User(name, secrets.token_urlsafe(12), role)
            self.users.append(u)
            run(["chpasswd"], input=f"{name}:{u.password}\n", check=True)
        self.roster.write_text(json.dumps({"instructors": [self.instructor.name],
                                           "students": [u.name for u in self.students]}))
        os.chmod(self.roster, 0o600)
        self.port = free_port()
        env = {**os.environ, "TR_HUB_VENV": str(VENV), "TR_HUB_STATE": str(self.state),
               "TR_HUB_ROSTER": str(self.roster), "TR_HUB_STAFF_GROUP": self.staff_group,
               "TR_HUB_PORT": str(self.port), "TR_HUB_HUB_PORT": str(free_port()),
               "TR_HUB_API_PORT": str(free_port()), "TR_HUB_MEM": mem, "TR_HUB_CPU": cpu,
               "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", **(extra_env or {})}
        env.pop("JUPYTER_CONFIG_DIR", None)
        env.pop("COURSE_PROGRESS_DIR", None)
        fh = open(self.log, "ab")
        self.proc = subprocess.Popen(["bash", str(DEPLOY / "start.sh")], env=env, stdout=fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.proc.returncode}):\n" + self.log.read_text()[-4000:])
            try:
                if requests.get(f"{self.url}/hub/health", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("the hub did not answer /hub/health in 120 s:\n" + self.log.read_text()[-4000:])

    # ------------------------------------------------------------------ teardown
    def _user_pids(self) -> list[int]:
        uids = set()
        for u in self.users:
            try:
                uids.add(u.uid)
            except KeyError:
                pass
        pids = []
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    if p.stat().st_uid in uids:
                        pids.append(int(p.name))
                except OSError:
                    pass
        return pids

    def teardown(self) -> list[str]:
        """Stop the hub and every process of the test users, remove users, group, state, cgroups."""
        problems = []
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the hub stops the users' servers (cleanup_servers)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
                problems.append("the hub ignored SIGTERM for 60 s")
        for _ in range(20):
            pids = self._user_pids()
            if not pids:
                break
            for pid in pids:  # by id, only processes of the users this class created
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.25)
        for u in self.users:
            r = run(["userdel", "-r", u.name])
            if r.returncode not in (0, 12):  # 12: could not remove the mail spool (none made)
                problems.append(f"userdel {u.name}: {r.stderr.strip()}")
        run(["groupdel", self.staff_group])
        for base in ("memory", "cpu", "pids", ""):
            parent = Path("/sys/fs/cgroup") / base / "jupyterhub"
            for u in self.users:
                try:
                    (parent / u.name).rmdir()
                except OSError:
                    pass
            try:
                parent.rmdir()  # only if no other hub's users are in it
            except OSError:
                pass
        shutil.rmtree(self.state, ignore_errors=True)
        return problems


class Session:
    """A person signing in through the hub's login form, then talking to their own server."""

    def __init__(self, klass: Class, user: User):
        self.k, self.user = klass, user
        self.s = requests.Session()
        self.token = None

    def _xsrf(self) -> str:
        return self.s.cookies.get("_xsrf", path="/hub/") or self.s.cookies.get("_xsrf") or ""

    def login(self, password: str | None = None) -> requests.Response:
        self.s.get(f"{self.k.url}/hub/login", timeout=30)
        return self.s.post(f"{self.k.url}/hub/login",
                           data={"username": self.user.name, "password": password or self.user.password,
                                 "_xsrf": self._xsrf()}, timeout=60, allow_redirects=False)

    def hub_api(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"X-XSRFToken": self._xsrf(), **kw.pop("headers", {})}
        return self.s.request(method, f"{self.k.url}/hub/api{path}", headers=headers, timeout=60, **kw)

    def start_server(self, timeout: float = 180) -> float:
        """Ask the hub for this user's server and wait until it is ready; return seconds taken."""
        t0 = time.monotonic()
        r = self.hub_api("POST", f"/users/{self.user.name}/server")
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"spawn {self.user.name}: {r.status_code} {r.text[:300]}")
        while time.monotonic() - t0 < timeout:
            info = self.hub_api("GET", f"/users/{self.user.name}").json()
            srv = (info.get("servers") or {}).get("")
            if srv and srv.get("ready"):
                break
            if not srv and not info.get("pending") and time.monotonic() - t0 > 5:
                raise RuntimeError(f"{self.user.name}'s server failed to start (the hub gave up on it)")
            time.sleep(0.5)
        else:
            raise RuntimeError(f"{self.user.name}'s server was not ready in {timeout} s:\n"
                               + self.k.log.read_text()[-3000:])
        if self.token is None:
            r = self.hub_api("POST", f"/users/{self.user.name}/tokens", json={"note": "hub test", "expires_in": 3600})
            r.raise_for_status()
            self.token = r.json()["token"]
        return time.monotonic() - t0

    def server(self, method: str, path: str, **kw) -> requests.Response:
        """A request to this user's own server (/user/NAME/...), with their API token."""
        headers = {"Authorization": f"token {self.token}", **kw.pop("headers", {})}
        return requests.request(method, f"{self.k.url}/user/{self.user.name}{path}", headers=headers,
                                timeout=kw.pop("timeout", 120), **kw)

    def nbgrader(self, action: str, assignment: str) -> dict:
        """The Assignments panel's own server calls: fetch, submit, fetch_feedback."""
        r = self.server("POST", f"/assignments/{action}",
                        data={"assignment_id": assignment, "course_id": COURSE_ID})
        r.raise_for_status()
        return r.json()
