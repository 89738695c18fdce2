"""The course's spawner: JupyterHub's LocalProcessSpawner (each server runs as its Linux user) plus
what a class needs on one server. Runs inside the hub, as root.

- Role by hub group: members of `instructors` or `graders` get the staff view (formgrader,
  create-assignment, course list; `course` commands with COURSE_ROOT set; write access to the course
  folder through the Unix staff group); everyone else gets the student view.
- Privacy: the user's home is made 0700 before every start (Debian's useradd makes homes 0755, which
  lets every student read every other's answers and the instructor's files); servers start with
  umask 077 (students) or 007 (staff, so that graders share the gradebook through the group).
- Limits: LocalProcessSpawner itself enforces none (it only advertises MEM_LIMIT/CPU_LIMIT to the
  server). Here the server and everything it starts (kernels, terminals) are put, before they run,
  into a per-user cgroup (v1 or v2, whichever the machine has) with `mem_limit` (memory.max /
  memory.limit_in_bytes), `cpu_limit` (CPU quota) and a process cap (pids.max). Where cgroups are not
  writable (a container without them), the log says so and only the advertisement remains.
"""
from __future__ import annotations

import grp
import os
import pwd
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Dict, Integer, Set, Unicode

CG = Path("/sys/fs/cgroup")


class CourseSpawner(LocalProcessSpawner):
    staff_groups = Set({"instructors", "graders"}, config=True, help="hub groups that get the staff view")
    unix_staff_group = Unicode("tr-staff", config=True, help="Unix group that may read/write the course folder")
    staff_environment = Dict(config=True, help="extra environment for staff servers (e.g. COURSE_ROOT)")
    cgroup_parent = Unicode("jupyterhub", config=True, help="cgroup folder that holds one cgroup per user")
    course_folder = Unicode("/srv/therapeutic-relationship/course", config=True, help="the nbgrader course folder")
    course_link = Unicode("course-grading", config=True,
                          help="link to the course folder made in each staff home ('' for none); the staff's "
                               "nbgrader config uses it as the course root, so formgrader's links open in JupyterLab")
    pids_limit = Integer(512, config=True, help="most processes/threads one user's server may run (0: no cap)")

    # ---------------------------------------------------------------- role
    @property
    def is_staff(self) -> bool:
        return bool({g.name for g in self.user.groups} & set(self.staff_groups))

    def get_env(self):
        env = super().get_env()
        env["COURSE_ROLE"] = "staff" if self.is_staff else "student"
        if self.is_staff:
            env.update(self.staff_environment)
        return env

    # ---------------------------------------------------------------- privacy + staff group
    def _prepare_account(self) -> None:
        name = self.user.name
        pw = pwd.getpwnam(name)
        home = Path(pw.pw_dir)
        if home.is_dir() and home.stat().st_uid == pw.pw_uid and home.stat().st_mode & 0o077:
            os.chmod(home, 0o700)
            self.log.info("course: made %s private (0700)", home)
        if self.is_staff and self.course_link:
            link = home / self.course_link
            if not link.is_symlink() and not link.exists():
                link.symlink_to(self.course_folder)
                os.lchown(link, pw.pw_uid, pw.pw_gid)
        try:
            members = set(grp.getgrnam(self.unix_staff_group).gr_mem)
        except KeyError:
            self.log.warning("course: Unix group %s is missing; staff cannot reach the course folder",
                             self.unix_staff_group)
            return
        if self.is_staff and name not in members:
            subprocess.run(["gpasswd", "-a", name, self.unix_staff_group], check=True, capture_output=True)
            self.log.info("course: added %s to Unix group %s", name, self.unix_staff_group)
        elif not self.is_staff and name in members:
            subprocess.run(["gpasswd", "-d", name, self.unix_staff_group], check=True, capture_output=True)
            self.log.info("course: removed %s from Unix group %s (no longer staff)", name, self.unix_staff_group)

    # ---------------------------------------------------------------- limits
    def _cgroup_dirs(self) -> list[Path]:
        """Make this user's cgroup(s) with the limits; return the folders the server must join."""
        name = f"{self.cgroup_parent}/{self.user.name}"
        mem = int(self.mem_limit or 0)
        cpu = float(self.cpu_limit or 0)
        try:
            if (CG / "cgroup.controllers").exists():  # cgroup v2 (unified)
                for parent in (CG, CG / self.cgroup_parent):
                    parent.mkdir(exist_ok=True)
                    (parent / "cgroup.subtree_control").write_text("+memory +cpu +pids")
                d = CG / name
                d.mkdir(exist_ok=True)
                (d / "memory.max").write_text(str(mem) if mem else "max")
                if mem and (d / "memory.swap.max").exists():
                    (d / "memory.swap.max").write_text("0")
                (d / "cpu.max").write_text(f"{int(cpu * 100000)} 100000" if cpu else "max 100000")
                (d / "pids.max").write_text(str(self.pids_limit) if self.pids_limit else "max")
                return [d]
            dirs = []
            if (CG / "memory").is_dir():
                d = CG / "memory" / name
                d.mkdir(parents=True, exist_ok=True)
                (d / "memory.limit_in_bytes").write_text(str(mem) if mem else "-1")
                dirs.append(d)
            if (CG / "cpu").is_dir():
                d = CG / "cpu" / name
                d.mkdir(parents=True, exist_ok=True)
                period = int((d / "cpu.cfs_period_us").read_text())
                (d / "cpu.cfs_quota_us").write_text(str(int(cpu * period)) if cpu else "-1")
                dirs.append(d)
            if (CG / "pids").is_dir():
                d = CG / "pids" / name
                d.mkdir(parents=True, exist_ok=True)
                (d / "pids.max").write_text(str(self.pids_limit) if self.pids_limit else "max")
                dirs.append(d)
            return dirs
        except OSError as exc:
            self.log.warning("course: limits NOT enforced for %s (cgroups not writable here: %s); "
                             "the server only sees MEM_LIMIT/CPU_LIMIT", self.user.name, exc)
            return []

    def make_preexec_fn(self, name):
        drop_privileges = super().make_preexec_fn(name)
        procs = [str(d / "cgroup.procs") for d in self._joins]
        umask = 0o007 if self.is_staff else 0o077

        def preexec():  # in the child, as root, before the server's code runs
            pid = str(os.getpid())
            for f in procs:
                with open(f, "w") as fh:
                    fh.write(pid)
            os.umask(umask)
            drop_privileges()

        return preexec

    async def start(self):
        self._prepare_account()
        self._joins = self._cgroup_dirs()
        if self._joins:
            self.log.info("course: %s limited to %s bytes, %s CPU, %s processes (%s)", self.user.name,
                          self.mem_limit or "no", self.cpu_limit or "no", self.pids_limit or "no",
                          ", ".join(map(str, self._joins)))
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        for d in getattr(self, "_joins", []):
            try:
                d.rmdir()  # only succeeds once every process of the user's server has gone
            except OSError:
                pass
