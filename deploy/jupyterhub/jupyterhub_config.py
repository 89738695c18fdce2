# JupyterHub configuration for The Therapeutic Relationship on ONE server (docs/jupyterhub.md).
#
#   sudo make hub            install what is missing (deploy/jupyterhub/install.sh), then start this hub
#
# Runs as root: PAM sign-in with the server's Linux accounts, LocalProcessSpawner (each user's
# JupyterLab runs as that Linux user) extended by course_spawner.CourseSpawner (roles, private homes,
# per-user cgroup limits). Settings come from the environment (defaults in brackets):
#   TR_HUB_ROSTER   JSON roster [/etc/therapeutic-relationship/roster.json], e.g.
#                   {"instructors": ["ana"], "graders": ["ben"], "students": ["cruz", "dee"]}
#                   Its lists become the hub groups `instructors`, `graders`, `students`; only they
#                   may sign in; instructors are hub admins. Role = hub group (change it in the hub's
#                   admin page or API; the server's role follows at its next start).
#   TR_HUB_VENV     the course's environment [/opt/therapeutic-relationship/venv]
#   TR_HUB_STATE    shared state [/srv/therapeutic-relationship]: exchange/, votes/, course/ (the
#                   staff-only nbgrader course folder with the gradebook), hub/ (hub database, secrets)
#   TR_HUB_IP, TR_HUB_PORT [127.0.0.1, 8000]: where the hub listens. Serve it to a class only behind
#                   TLS: TR_HUB_SSL_CERT/TR_HUB_SSL_KEY, or a reverse proxy (PAM passwords cross this link)
#   TR_HUB_MEM, TR_HUB_CPU [1G, 1]: limits per user (enforced by cgroups, see course_spawner.py)
#   TR_HUB_IDLE_TIMEOUT [3600]: seconds of inactivity before the culler stops a user's server
#   TR_HUB_STAFF_GROUP [tr-staff]: Unix group of instructors and graders (the course folder's group)
#   TR_HUB_AUTH [pam]: pam | lti13 | oauth (see "Sign-in" below)
#   TR_HUB_HUB_PORT, TR_HUB_API_PORT [8081, 8001]: the hub's internal port and the proxy's API port
import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

c = get_config()  # noqa: F821

env = os.environ.get
VENV = Path(env("TR_HUB_VENV", "/opt/therapeutic-relationship/venv"))
STATE = Path(env("TR_HUB_STATE", "/srv/therapeutic-relationship"))
ROSTER = Path(env("TR_HUB_ROSTER", "/etc/therapeutic-relationship/roster.json"))
STAFF_GROUP = env("TR_HUB_STAFF_GROUP", "tr-staff")
COURSE_ID = env("TR_HUB_COURSE_ID", "therapeutic-relationship")
SHARE = VENV / "share" / "therapeutic-relationship"
COURSE = STATE / "course"
EXCHANGE = STATE / "exchange"
VOTES = STATE / "votes"
HUBDIR = STATE / "hub"


def fail(msg: str):
    raise SystemExit(f"[course hub] {msg}")


if not (VENV / "bin" / "jupyterhub-singleuser").exists():
    fail(f"{VENV} has no JupyterHub: run deploy/jupyterhub/install.sh (or make hub) first")
try:
    roster = json.loads(ROSTER.read_text())
except FileNotFoundError:
    fail(f"no roster at {ROSTER}: write one like deploy/jupyterhub/roster.example.json, or set TR_HUB_ROSTER")
except ValueError as exc:
    fail(f"{ROSTER} is not valid JSON ({exc})")
groups = {g: sorted(set(roster.get(g, []))) for g in ("instructors", "graders", "students")}
if not groups["instructors"]:
    fail(f"{ROSTER} names no instructor")
everyone = set().union(*groups.values())
for name in sorted(everyone):
    try:
        pwd.getpwnam(name)
    except KeyError:
        fail(f"{ROSTER} names {name!r}, who has no Linux account here (adduser {name})")
staff = set(groups["instructors"]) | set(groups["graders"])
owner = pwd.getpwnam(groups["instructors"][0])


# --------------------------------------------------------------------------- shared state, as root
def setup_state() -> None:
    """Folders and Unix groups the class shares; safe to run at every start."""
    try:
        grp.getgrnam(STAFF_GROUP)
    except KeyError:
        subprocess.run(["groupadd", "--system", STAFF_GROUP], check=True)
    gid = grp.getgrnam(STAFF_GROUP).gr_gid
    for name in sorted(staff):  # the Unix group follows the hub roster (the spawner keeps it in step)
        subprocess.run(["gpasswd", "-a", name, STAFF_GROUP], check=True, capture_output=True)
    for name in sorted(set(grp.getgrnam(STAFF_GROUP).gr_mem) - staff):
        subprocess.run(["gpasswd", "-d", name, STAFF_GROUP], check=True, capture_output=True)
    STATE.mkdir(parents=True, exist_ok=True)
    os.chmod(STATE, 0o755)
    HUBDIR.mkdir(mode=0o700, exist_ok=True)
    os.chmod(HUBDIR, 0o700)
    # nbgrader's exchange: everyone writes; nbgrader itself makes inbound/ write-only (students cannot
    # list each other's submissions) and feedback/ unlistable (each student finds only their own).
    EXCHANGE.mkdir(exist_ok=True)
    os.chmod(EXCHANGE, 0o777)
    # Anonymous seminar votes (COURSE_VOTE_DIR): a drop box, like /tmp without listing: everyone can
    # add a file, only the instructor can list and read them, nobody can delete another's.
    VOTES.mkdir(exist_ok=True)
    os.chown(VOTES, owner.pw_uid, owner.pw_gid)
    os.chmod(VOTES, 0o1733)
    # The course folder: nbgrader's course root (sources with solutions, rubrics, gradebook,
    # submissions). Staff only: owner the first instructor, group STAFF_GROUP, setgid, no access for others.
    first = not (COURSE / "nbgrader_config.py").exists()
    if first:
        if not (SHARE / "grading" / "nbgrader_config.py").exists():
            fail(f"{SHARE / 'grading'} is missing: run deploy/jupyterhub/install.sh")
        shutil.copytree(SHARE / "grading", COURSE, dirs_exist_ok=True)
        with open(COURSE / "nbgrader_config.py", "a") as fh:
            fh.write(f"\n# --- on the course's JupyterHub (added by deploy/jupyterhub/jupyterhub_config.py) ---\n"
                     f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
                     f"c.Exchange.root = {str(EXCHANGE)!r}\n"
                     f"c.Exchange.path_includes_course = True\n")
    os.chown(COURSE, owner.pw_uid, gid)
    os.chmod(COURSE, 0o2770)
    if first:
        for dirpath, dirnames, filenames in os.walk(COURSE):
            for n in dirnames + filenames:
                p = os.path.join(dirpath, n)
                os.chown(p, owner.pw_uid, gid)
                mode = os.stat(p).st_mode
                os.chmod(p, (mode | stat.S_IRGRP | stat.S_IWGRP | (stat.S_IXGRP | stat.S_ISGID if stat.S_ISDIR(mode) else 0))
                         & ~0o007)
    for name in sorted(everyone):  # private homes (Debian's useradd makes them 0755)
        home = Path(pwd.getpwnam(name).pw_dir)
        if home.is_dir():
            os.chmod(home, 0o700)


setup_state()

# --------------------------------------------------------------------------- the hub and proxy
c.JupyterHub.ip = env("TR_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(env("TR_HUB_PORT", "8000"))
c.JupyterHub.hub_port = int(env("TR_HUB_HUB_PORT", "8081"))
if env("TR_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = env("TR_HUB_SSL_CERT")
    c.JupyterHub.ssl_key = env("TR_HUB_SSL_KEY")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(env('TR_HUB_API_PORT', '8001'))}"
c.ConfigurableHTTPProxy.command = [shutil.which("configurable-http-proxy") or "configurable-http-proxy"]
c.JupyterHub.db_url = f"sqlite:///{HUBDIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUBDIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(HUBDIR / "proxy.pid")
c.JupyterHub.cleanup_servers = True

# --------------------------------------------------------------------------- sign-in
# pam (default): the server's Linux accounts and passwords.
# lti13: sign-in from the LMS (pip install jupyterhub-ltiauthenticator into TR_HUB_VENV); set the
#   LTI13Authenticator's issuer, client_id, authorize_url and jwks_endpoint from the LMS tool
#   registration (docs/jupyterhub.md). The LMS user must map to an existing Linux account of that
#   name (LocalProcessSpawner), e.g. with c.LTI13Authenticator.username_key = "email"-derived names.
# oauth: the university's single sign-on (pip install oauthenticator), e.g. GenericOAuthenticator
#   with the IT department's client id/secret and endpoints.
AUTH = env("TR_HUB_AUTH", "pam")
if AUTH == "pam":
    c.JupyterHub.authenticator_class = "pam"
elif AUTH == "lti13":
    c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
elif AUTH == "oauth":
    c.JupyterHub.authenticator_class = "oauthenticator.generic.GenericOAuthenticator"
else:
    fail(f"TR_HUB_AUTH={AUTH!r}: use pam, lti13 or oauth")
c.Authenticator.allowed_users = everyone
c.Authenticator.admin_users = set(groups["instructors"])
c.JupyterHub.load_groups = {g: {"users": users} for g, users in groups.items()}

# --------------------------------------------------------------------------- each user's server
c.JupyterHub.spawner_class = "course_spawner.CourseSpawner"
c.Spawner.cmd = [str(VENV / "bin" / "tr-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# A whole class signing in at once on a busy server: a server start took more than 120 s here with 8
# starting together on 2 loaded cores (each start imports JupyterLab's stack: several CPU seconds).
c.Spawner.http_timeout = int(env("TR_HUB_START_TIMEOUT", "300"))
c.Spawner.start_timeout = int(env("TR_HUB_START_TIMEOUT", "300"))
c.Spawner.mem_limit = env("TR_HUB_MEM", "1G")
c.Spawner.cpu_limit = float(env("TR_HUB_CPU", "1"))
c.Spawner.environment = {
    "COURSE_VOTE_DIR": str(VOTES),
    "COURSE_NOTEBOOKS": str(SHARE / "notebooks"),  # what `course workspace` copies into each home
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
}
c.CourseSpawner.unix_staff_group = STAFF_GROUP
c.CourseSpawner.course_folder = str(COURSE)
c.CourseSpawner.staff_environment = {
    # formgrader, create-assignment and the course list, and a frame-ancestors CSP that lets the
    # formgrader panel show inside JupyterLab (the hub's default 'none' leaves it blank): staff only.
    "JUPYTER_CONFIG_PATH": str(SHARE / "staff"),
    "COURSE_ROOT": str(COURSE),
}

# --------------------------------------------------------------------------- idle culler
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={int(env('TR_HUB_IDLE_TIMEOUT', '3600'))}", "--cull-every=300"],
}]

# --------------------------------------------------------------------------- the program's own additions
# Settings that belong to this server only (LTI or OAuth secrets, TLS, other limits) go in a local file,
# loaded last so that it can override anything above: TR_HUB_LOCAL_CONFIG
# [/etc/therapeutic-relationship/jupyterhub_config_local.py], e.g.
#   c.LTI13Authenticator.issuer = "https://canvas.example.edu"
LOCAL = Path(env("TR_HUB_LOCAL_CONFIG", "/etc/therapeutic-relationship/jupyterhub_config_local.py"))
if LOCAL.is_file():
    load_subconfig(str(LOCAL))  # noqa: F821
