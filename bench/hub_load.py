"""Load check of the course's JupyterHub (deploy/jupyterhub) on this machine: N simulated students at once.

    sudo .venv/bin/python bench/hub_load.py [--steps 1,2,4,8] [--module 01_the_frame.ipynb]

Needs root (it creates Linux users and runs the hub like tests/hub does); without root it says so and
exits 0, so that `make bench` still runs the other benchmarks. Everything it makes is removed at the end.

For each N, N students (real Linux users, PAM sign-in through the hub's login form) at the same time:
  1. start their server                      -> spawn time
  2. open the module: a kernel, then every code cell of the module run in order over the kernel's
     websocket, through the proxy, as JupyterLab's Run All does          -> module time
  3. then click: 10 small executions each (what a widget click costs)     -> click round trip
CPU: CPU seconds used by each user's processes (server start + module + clicks), the cost of one
student whatever else runs on the machine; 2 cores give 2 CPU seconds per second.
Memory: resident memory (RSS, summed over processes) of the hub, the proxy, one idle server (before any
kernel) and one active user (server + kernel after the module ran), read from /proc.
Ratios are against N=1 measured first in the same run (the baseline). Other work on the machine shares
the 2 cores: run it on a quiet machine for sizing, and read the ratios rather than the seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_s(pids) -> float:
    """CPU seconds (user + system) used so far by these processes: what a user costs the machine,
    whatever else is running on it."""
    tck = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / tck


def pids_where(pred) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if pred(p):
                    out.append(int(p.name))
            except OSError:
                pass
    return out


def code_cells(module: str) -> list[str]:
    import nbformat

    nb = nbformat.read(str(REPO / "notebooks" / module), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]


class Kernel:
    """A kernel on the user's server, driven over its websocket through the hub's proxy."""

    def __init__(self, sess):
        import websocket  # websocket-client, a dependency of jupyter_server

        r = sess.server("POST", "/api/kernels", json={"name": "python3"})
        r.raise_for_status()
        self.id = r.json()["id"]
        url = sess.k.url.replace("http", "ws") + f"/user/{sess.user.name}/api/kernels/{self.id}/channels"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {sess.token}"], timeout=300)
        self.session = uuid.uuid4().hex

    def execute(self, code: str) -> None:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "bench", "session": self.session, "msg_type": "execute_request",
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "error" or (m["msg_type"] == "execute_reply" and m["content"]["status"] != "ok"):
                raise RuntimeError(f"cell failed: {m['content'].get('ename')}: {m['content'].get('evalue')}")
            if m["msg_type"] == "execute_reply":
                return


def one_student(sess, cells, out: dict, barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
        out["spawn"] = sess.start_server(timeout=600)
        t0 = time.monotonic()
        k = Kernel(sess)
        for src in cells:
            k.execute(src)
        out["module"] = time.monotonic() - t0
        clicks = []
        for _ in range(10):
            t = time.monotonic()
            k.execute("_ = sum(range(1000))")
            clicks.append(time.monotonic() - t)
        out["click"] = statistics.median(clicks)
        out["click_max"] = max(clicks)
        out["kernel"] = k
    except Exception as exc:  # reported per student, the step goes on
        out["error"] = f"{type(exc).__name__}: {exc}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", default="1,2,4", help="numbers of simultaneous students, ascending")
    ap.add_argument("--module", default="01_the_frame.ipynb")
    ap.add_argument("--mem", default="1G", help="per-user memory limit (TR_HUB_MEM)")
    ap.add_argument("--json", default=None, help="also write the results to this file")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("hub_load: skipped (needs root: it creates Linux users and runs JupyterHub). "
              "Run: sudo .venv/bin/python bench/hub_load.py")
        return 0
    from tests.hub.hubkit import Class, Session

    steps = sorted({int(x) for x in args.steps.split(",")})
    cells = code_cells(args.module)
    klass = Class(Path(tempfile.mkdtemp(prefix="hub-load-")), n_students=sum(steps))  # each step signs in fresh students; earlier ones stay, idle
    results = []
    try:
        t0 = time.monotonic()
        klass.setup(mem=args.mem)
        print(f"hub up in {time.monotonic() - t0:.0f} s (install included); module {args.module}: {len(cells)} code cells")
        hub_pids = pids_where(lambda p: p.stat().st_uid == 0 and b"jupyterhub" in (p / "cmdline").read_bytes()
                              and b"-f" in (p / "cmdline").read_bytes())
        proxy_pids = pids_where(lambda p: b"configurable-http-proxy" in (p / "cmdline").read_bytes())
        used = 0
        for n in steps:
            group = klass.students[used:used + n]
            used += n
            sessions = []
            for u in group:
                s = Session(klass, u)
                assert s.login().status_code == 302, f"{u.name} could not sign in"
                sessions.append(s)
            outs = [{} for _ in sessions]
            barrier = threading.Barrier(len(sessions))
            threads = [threading.Thread(target=one_student, args=(s, cells, o, barrier)) for s, o in zip(sessions, outs)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            errors = [o["error"] for o in outs if "error" in o]
            good = [o for o in outs if "error" not in o]
            row = {"n": n, "errors": errors}
            if good:
                row.update({
                    "spawn_median": statistics.median(o["spawn"] for o in good),
                    "module_median": statistics.median(o["module"] for o in good),
                    "module_max": max(o["module"] for o in good),
                    "click_median": statistics.median(o["click"] for o in good),
                    "click_max": max(o["click_max"] for o in good),
                })
            per_user = [rss_mb(pids_where(lambda p, uid=u.uid: p.stat().st_uid == uid)) for u in group]
            row["active_user_mb"] = statistics.median(per_user)
            row["cpu_per_user_s"] = statistics.median(cpu_s(pids_where(lambda p, uid=u.uid: p.stat().st_uid == uid))
                                                      for u in group)
            row["hub_mb"] = rss_mb(hub_pids)
            row["proxy_mb"] = rss_mb(proxy_pids)
            results.append(row)
            base = results[0]
            ratio = lambda key: (row.get(key, float("nan")) / base[key]) if base.get(key) else float("nan")  # noqa: E731
            print(f"N={n:3d}  spawn {row.get('spawn_median', float('nan')):6.1f} s ({ratio('spawn_median'):4.1f}x)  "
                  f"module {row.get('module_median', float('nan')):6.1f} s, max {row.get('module_max', float('nan')):6.1f} s "
                  f"({ratio('module_median'):4.1f}x)  click {row.get('click_median', float('nan')) * 1000:6.0f} ms, "
                  f"max {row.get('click_max', float('nan')) * 1000:6.0f} ms ({ratio('click_median'):4.1f}x)  "
                  f"CPU per user {row['cpu_per_user_s']:5.1f} s  active user {row['active_user_mb']:5.0f} MB  hub {row['hub_mb']:4.0f} MB  proxy {row['proxy_mb']:4.0f} MB"
                  + (f"  ERRORS {len(errors)}: {errors[0]}" if errors else ""), flush=True)
            # this group goes idle: kernels shut down, servers stay (an idle class between exercises)
            for s, o in zip(sessions, outs):
                if "kernel" in o:
                    o["kernel"].ws.close()
                    s.server("DELETE", f"/api/kernels/{o['kernel'].id}")
        time.sleep(3)
        idle = [rss_mb(pids_where(lambda p, uid=u.uid: p.stat().st_uid == uid)) for u in klass.students[:used]]
        print(f"idle user (server, no kernel): median {statistics.median(idle):.0f} MB over {len(idle)} users; "
              f"hub {rss_mb(hub_pids):.0f} MB, proxy {rss_mb(proxy_pids):.0f} MB; "
              f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        if args.json:
            Path(args.json).write_text(json.dumps({"steps": results, "idle_user_mb": statistics.median(idle)}, indent=1))
    finally:
        problems = klass.teardown()
        if problems:
            print("teardown:", problems)
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
