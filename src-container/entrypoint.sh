#!/usr/bin/env bash
# Entry point of the Kiln runtime image. First argument is the role:
#   recorder    kilnd: event store, signer, checkpoints (its own volume)
#   workspace   the agents' container; shares the recorder's network namespace
#   all-in-one  recorder and agents in one container, the UI on one localhost port
# Anything else runs as a plain command (`docker run IMAGE opencode --version`).
set -euo pipefail

role="${1:-all-in-one}"
[ $# -gt 0 ] && shift

KILND_DIR=/opt/kiln/kilnd

start_recorder() {
  # kilnd owns /state (the volume only it mounts); the workspace is shared with the agents.
  mkdir -p "${KILN_STATE_DIR:-/state}"
  chmod 0700 "${KILN_STATE_DIR:-/state}"
  exec node --enable-source-maps "$KILND_DIR/kilnd.mjs" "$@"
}

# The agent runs as the owner of the workspace (as Dev Containers' updateRemoteUserUID does):
# with KILN_MATCH_WORKSPACE_OWNER=1 (the host sets it for a native Linux engine, where a bind
# mount shows the host's uids as they are), user `agent` takes the uid and gid /workspace has
# here, so what the agent writes belongs to the folder's owner and a 0700 folder is writable.
# A root-owned folder makes `agent` another name for uid 0: every exec names user `agent`.
# The folder itself is never touched; only /etc/passwd, /etc/group and the agent's HOME change.
match_workspace_owner() {
  [ "${KILN_MATCH_WORKSPACE_OWNER:-}" = 1 ] && [ "$(id -u)" = 0 ] && [ -d /workspace ] || return 0
  local uid gid
  uid="$(stat -c %u /workspace)"
  gid="$(stat -c %g /workspace)"
  if [ "$(id -u agent)" != "$uid" ] || [ "$(id -g agent)" != "$gid" ]; then
    groupmod --non-unique --gid "$gid" agent
    # usermod re-owns the files in HOME that belonged to the old uid (root's stay root's).
    usermod --non-unique --uid "$uid" --gid "$gid" agent
    chown "$uid:$gid" /home/agent
  fi
}

start_workspace() {
  # The agents' side: stays up for `docker exec` sessions (terminals, agents, `kiln exec`).
  # Every bash here sources /etc/kiln/hook.bash (BASH_ENV, /etc/bash.bashrc).
  match_workspace_owner
  # Fresh on every start (/dev/shm is a new tmpfs each time): the host waits for it before the
  # first exec, because an exec as `agent` resolves the uid from /etc/passwd when it starts.
  : > /dev/shm/kiln-workspace-ready
  exec sleep infinity
}

start_all_in_one() {
  # One container, recorder and agents together, the window on port 7777 (`docker run` without
  # the desktop app; README "All-in-one"). Integrity is weaker than a pod: the agent has sudo in
  # the same container as the recorder, so it could reach the record.
  local root=/var/lib/kiln
  # A fresh named volume gets these from the image; a bind mount or an old volume may not have them.
  install -d -m 0755 "$root"
  install -d -m 0700 -o kiln -g kiln "$root/recorder"
  install -d -m 0700 "$root/host"
  : "${KILN_SESSION_TOKEN:=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
  : "${KILN_HOOK_TOKEN:=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
  : "${KILN_SESSION_ID:=workspace}"
  export KILN_SESSION_TOKEN KILN_HOOK_TOKEN KILN_SESSION_ID
  # The agent writes your folder as you do: it takes the folder's owner (-e KILN_MATCH_WORKSPACE_OWNER=0 keeps uid 1001).
  : "${KILN_MATCH_WORKSPACE_OWNER:=1}"
  export KILN_MATCH_WORKSPACE_OWNER
  match_workspace_owner
  # The recorder as user kiln, with only the capabilities a pod's recorder has (write and chown
  # the agent's files on undo), listening inside the container only; its state outlives it on
  # the volume, and it resumes its store from there.
  KILN_STATE_DIR="$root/recorder" KILN_BIND=127.0.0.1 HOME="$root" \
    setpriv --reuid kiln --regid kiln --init-groups \
      --inh-caps +chown,+dac_override,+fowner,+fsetid --ambient-caps +chown,+dac_override,+fowner,+fsetid \
      node --enable-source-maps "$KILND_DIR/kilnd.mjs" &
  local kilnd=$!
  trap 'kill -TERM "$kilnd" 2>/dev/null; wait "$kilnd"' TERM INT
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:${KILN_PORT:-7680}/health" 2>/dev/null && break; sleep 0.1; done
  export KILN_RECORDER_URL="http://127.0.0.1:${KILN_PORT:-7680}"
  if [ $# -gt 0 ]; then
    # A command instead of the window: it runs as the agent, with the recorder's hook.
    BASH_ENV=/etc/kiln/hook.bash runuser -u agent -- "$@" || true
    kill -TERM "$kilnd" 2>/dev/null; wait "$kilnd" || true
    return
  fi
  # The window (src-main/local/main.ts): prints its URL with a fresh token.
  KILN_HOME="$root/host" node --enable-source-maps /opt/kiln/aio/server.mjs &
  local web=$!
  trap 'kill -TERM "$web" "$kilnd" 2>/dev/null; wait "$web" "$kilnd"' TERM INT
  local code=0
  wait -n "$kilnd" "$web" || code=$?
  kill -TERM "$web" "$kilnd" 2>/dev/null || true
  wait "$web" "$kilnd" 2>/dev/null || true
  return "$code"
}

case "$role" in
  recorder) start_recorder "$@" ;;
  workspace) start_workspace "$@" ;;
  all-in-one) start_all_in_one "$@" ;;
  *) exec "$role" "$@" ;;
esac
