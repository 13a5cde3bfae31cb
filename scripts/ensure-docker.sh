#!/usr/bin/env bash
# Ensure a Docker engine answers: install Debian's docker.io when dockerd is missing, start dockerd
# in the background when `docker info` fails, then wait for it. Idempotent; fast when all is up.
# Env: KILN_DOCKER_WAIT (seconds, default 90), KILN_DOCKERD_LOG (default /var/log/kiln-dockerd.log).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

if docker info >/dev/null 2>&1; then
  exit 0
fi

# Two test runs may start at once: one installs/starts, the other waits and finds it up.
exec 9>/tmp/kiln-ensure-docker.lock
flock 9
if docker info >/dev/null 2>&1; then
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" != unix:///var/run/docker.sock ]]; then
  kiln_fail E_DOCKER_REMOTE "DOCKER_HOST=$DOCKER_HOST does not answer." "start that engine, or unset DOCKER_HOST to use a local dockerd."
fi

if ! command -v dockerd >/dev/null 2>&1; then
  kiln_apt_install docker.io
fi
# The Debian docker.io package brings its own client; a host may have only the daemon.
command -v docker >/dev/null 2>&1 || kiln_apt_install docker-cli || true

kiln_need_root E_DOCKER_ROOT "a running dockerd"
log="${KILN_DOCKERD_LOG:-/var/log/kiln-dockerd.log}"
( : >>"$log" ) 2>/dev/null || log=/tmp/kiln-dockerd.log

if pgrep -x dockerd >/dev/null 2>&1; then
  kiln_log "dockerd is running but not answering yet; waiting"
else
  # A pid file left by a daemon that died with its machine would stop the new one from starting.
  rm -f /var/run/docker.pid
  kiln_log "starting dockerd (log: $log)"
  # setsid + nohup: the daemon must outlive this script and the test run that called it.
  setsid nohup dockerd >>"$log" 2>&1 </dev/null 9>&- &
fi

wait_s="${KILN_DOCKER_WAIT:-90}"
for _ in $(seq 1 "$wait_s"); do
  if docker info >/dev/null 2>&1; then
    kiln_log "docker engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done
tail -n 20 "$log" >&2 || true
kiln_fail E_DOCKER_TIMEOUT "dockerd did not answer within ${wait_s}s." "read $log for the reason (the last lines are above)."
