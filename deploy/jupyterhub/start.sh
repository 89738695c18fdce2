#!/usr/bin/env bash
# Start the course's JupyterHub in the foreground (as root), after deploy/jupyterhub/install.sh.
# Settings: see the head of deploy/jupyterhub/jupyterhub_config.py (TR_HUB_ROSTER, TR_HUB_PORT, ...).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${TR_HUB_VENV:-/opt/therapeutic-relationship/venv}"
STATE="${TR_HUB_STATE:-/srv/therapeutic-relationship}"
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # useradd, gpasswd
[ "$(id -u)" = 0 ] || { echo "The hub runs as root (it starts each user's server as that user): sudo make hub" >&2; exit 2; }
mkdir -p "$STATE/hub" && chmod 700 "$STATE/hub"
cd "$STATE/hub"
exec "$VENV/bin/jupyterhub" -f "$HERE/jupyterhub_config.py" "$@"
