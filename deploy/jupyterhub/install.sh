#!/usr/bin/env bash
# Install what the course's JupyterHub needs on one Debian/Ubuntu server, as root. Idempotent:
# a second run installs only what is missing and refreshes the course package and its configs.
#
#   sudo bash deploy/jupyterhub/install.sh          (or: sudo make hub, which then starts the hub)
#
# Installs:
#   - Node and npm from Debian (apt) if `node`/`npm` are missing; configurable-http-proxy from npm
#   - the course's Python environment at $TR_HUB_VENV (default /opt/therapeutic-relationship/venv),
#     made with a SYSTEM Python (a venv made from a Python under /root cannot be run by other users),
#     with the course, JupyterHub and jupyterhub-idle-culler, every package at the version pinned in
#     deploy/jupyterhub/hub-constraints.txt (`make lock` makes it, held to constraints.txt's versions)
#   - the course's configs into that environment: nbgrader's global config (the exchange), the
#     student view (formgrader/create-assignment off) and the staff view (on), the start command
#     of every user's server (bin/tr-singleuser), the student notebooks and the grading folder
# Settings (environment): TR_HUB_VENV, TR_HUB_STATE (default /srv/therapeutic-relationship),
# TR_HUB_PYTHON (a system python3 >= 3.11), TR_HUB_COURSE_ID (default therapeutic-relationship).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${TR_HUB_VENV:-/opt/therapeutic-relationship/venv}"
STATE="${TR_HUB_STATE:-/srv/therapeutic-relationship}"
COURSE_ID="${TR_HUB_COURSE_ID:-therapeutic-relationship}"
say() { echo "[hub install] $*"; }

[ "$(id -u)" = 0 ] || { echo "deploy/jupyterhub/install.sh must run as root (it installs system packages and a shared environment): sudo make hub" >&2; exit 2; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$@" >/dev/null; }
}

# --- Node and the proxy ------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then say "installing Node from Debian"; apt_install nodejs npm; fi
if ! command -v npm >/dev/null 2>&1; then say "installing npm from Debian"; apt_install npm; fi
if ! command -v configurable-http-proxy >/dev/null 2>&1; then
  say "installing configurable-http-proxy from npm"
  npm install -g --no-fund --no-audit --loglevel=error configurable-http-proxy@5 >/dev/null
fi

# --- a system Python every user can run ---------------------------------------------------------
pick_python() {
  local c
  for c in ${TR_HUB_PYTHON:-} /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 /usr/bin/python3; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    case "$(readlink -f "$c")" in /root/*|/home/*) continue ;; esac   # other users could not run it
    "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null && { echo "$c"; return 0; }
  done
  return 1
}
PY="$(pick_python)" || { say "installing python3 from Debian"; apt_install python3 python3-venv; PY="$(pick_python)"; } \
  || { echo "No system Python 3.11 or newer outside /root and /home; set TR_HUB_PYTHON=/usr/bin/python3.X" >&2; exit 2; }
"$PY" -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv

if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  say "$VENV is broken; making it again"; rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "making the course's environment at $VENV with $PY"
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
# A copy of the checkout, so that the build never writes into it and works from a read-only clone.
BUILD="$(mktemp -d)"; trap 'rm -rf "$BUILD"' EXIT
tar -C "$REPO" --exclude=.git --exclude=.venv --exclude=build --exclude='*.egg-info' --exclude=tests \
    --exclude=__pycache__ -cf - pyproject.toml deploy/jupyterhub/hub-constraints.txt README.md LICENSE course \
  | tar -C "$BUILD" -xf -
HUB_LOCK="$BUILD/deploy/jupyterhub/hub-constraints.txt"
# Skip pip when the course code and its pins are the ones installed last time (a re-run takes seconds).
STAMP="$(cd "$BUILD" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$VENV/.tr-hub-installed" 2>/dev/null)" = "$STAMP" ]; then
  say "the course in $VENV is up to date"
else
  say "installing the course, JupyterHub and the idle culler into $VENV"
  "$VENV/bin/python" -m pip install --quiet -c "$HUB_LOCK" "$BUILD[hub]"
  "$VENV/bin/python" -m pip install --quiet --no-deps --force-reinstall "$BUILD"   # same version, new code
  chmod -R a+rX "$VENV"
  echo "$STAMP" > "$VENV/.tr-hub-installed"
fi

# --- configs every server reads (the environment's own etc/jupyter) -------------------------------
ETC="$VENV/etc/jupyter"
mkdir -p "$ETC/labconfig" "$ETC/jupyter_server_config.d"
install -m 644 "$HERE/etc/jupyter/labconfig/page_config.json" "$ETC/labconfig/page_config.json"
install -m 644 "$HERE/etc/jupyter/jupyter_server_config.d/zz-therapeutic-relationship.json" "$ETC/jupyter_server_config.d/"
cat > "$ETC/nbgrader_config.py" <<EOF
# nbgrader's global configuration on the course's JupyterHub (written by deploy/jupyterhub/install.sh).
# Every user's nbgrader (the Assignments panel, the CLI) reads it; the course folder's own
# nbgrader_config.py overrides it for the staff.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "$COURSE_ID"
c.Exchange.root = "$STATE/exchange"
c.Exchange.path_includes_course = True
EOF
SHARE="$VENV/share/therapeutic-relationship"
mkdir -p "$SHARE/staff"
cp -r "$HERE/etc/staff/." "$SHARE/staff/"
# The student notebooks (readable by all: `course workspace` copies them into each home, the servers'
# COURSE_NOTEBOOKS): only the top level of notebooks/; the facilitator, instructor and authoring
# notebooks are for staff and stay out of this world-readable copy.
rm -rf "$SHARE/notebooks"; mkdir -p "$SHARE/notebooks"
find "$REPO/notebooks" -maxdepth 1 -type f -exec cp {} "$SHARE/notebooks/" \;
cat > "$SHARE/staff/nbgrader_config.py" <<EOF
# nbgrader settings of the staff's servers (formgrader, the Assignments panel), written by install.sh.
# The course folder's own settings (its preprocessors, the exchange), then its root seen through the
# ~/course-grading link the hub makes in each staff home: formgrader's links open inside JupyterLab
# only for a course root below the server's root folder (the home).
import os
c = get_config()  # noqa: F821
load_subconfig("nbgrader_config.py", path="$STATE/course")  # noqa: F821
c.CourseDirectory.root = os.path.expanduser("~/course-grading")
EOF
chmod -R a+rX,go-w "$SHARE"
# ... and the grading folder (sources WITH solutions, rubrics): root only; the hub copies it into the
# staff-only course folder on its first start.
rm -rf "$SHARE/grading"; mkdir -m 700 "$SHARE/grading"
tar -C "$REPO/grading" --exclude=release --exclude=submitted --exclude=autograded --exclude=feedback \
    --exclude=exchange --exclude='gradebook.db*' --exclude=.ipynb_checkpoints -cf - . | tar -C "$SHARE/grading" -xf -
chmod -R go-rwx "$SHARE/grading"

cat > "$VENV/bin/tr-singleuser" <<EOF
#!/bin/sh
# Every user's server starts here, as that user (c.Spawner.cmd in deploy/jupyterhub/jupyterhub_config.py):
# first the learner's own copy of the course notebooks, then the single-user JupyterLab.
dest="\$HOME/therapeutic-relationship/modules"
if "$VENV/bin/course" workspace --help >/dev/null 2>&1; then
  "$VENV/bin/course" workspace --dest "\$dest" >&2 \
    || echo "[tr-singleuser] course workspace --dest \$dest failed (exit \$?); the server starts anyway" >&2
else
  echo "[tr-singleuser] this course version has no 'course workspace' command: no copy of the notebooks made in \$dest" >&2
fi
exec "$VENV/bin/jupyterhub-singleuser" "\$@"
EOF
chmod 755 "$VENV/bin/tr-singleuser"
say "done: $("$VENV/bin/jupyterhub" --version 2>/dev/null | tail -1) (JupyterHub), $(configurable-http-proxy --version 2>/dev/null) (proxy), $("$VENV/bin/python" -V)"
