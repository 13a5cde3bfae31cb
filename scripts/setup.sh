#!/usr/bin/env bash
# A newcomer's one setup command (`npm run setup`; .ci/run calls it too). Idempotent: each step
# checks before it acts, so a second run takes seconds.
#   1. Node dependencies (npm ci), skipped when package-lock.json has not changed since
#   2. a running Docker engine (Debian's docker.io)          scripts/ensure-docker.sh
#   3. the runtime image's base image, built locally when no registry is reachable
#                                                             scripts/ensure-base-image.sh
#   4. Chromium for the browser tests (Debian's chromium)
#   5. the runtime image kiln/runtime:<version>, rebuilt only when src-container/ or kilnd changed
#                                                             scripts/ensure-runtime-image.ts
#   6. ollama/ollama:latest for "Start a local model": pulled when a registry answers; where none
#      does (this project's CI) a STAND-IN is built under that tag (the scripted model server's
#      Ollama API, tests/fixtures/ollama-standin) so the tests can run. It runs no model: remove it
#      (`docker rmi ollama/ollama:latest`) on a machine that should get the real image later.
#   7. the CLI bundle out/cli/kiln.cjs (`kiln` starts without compiling TypeScript) and the
#      window's build out/renderer (what `kiln web` serves)
#                                                             scripts/build.mjs --cli
# KILN_SETUP_SKIP="chromium docker" skips steps by name (deps, docker, base-image, chromium,
# runtime-image, ollama-standin, cli).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/common.sh

skip() { [[ " ${KILN_SETUP_SKIP:-} " == *" $1 "* ]]; }

ensure_node_deps() {
  # Native addons (better-sqlite3) build against the installed Node's headers, never a download.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
    export npm_config_nodedir=/usr
  fi
  local stamp=node_modules/.kiln-deps-stamp want
  want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  # Electron's binary comes from outside the npm registry. Tests never launch Electron (the
  # browser tests drive web mode), so CI skips the download; elsewhere try it, then fall back.
  if [ -n "${CI:-}" ] || [ -n "${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" ]; then
    kiln_log "npm ci (Electron binary download skipped)"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  else
    kiln_log "npm ci"
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/kiln-npm-ci.XXXXXX")"
    if ! npm ci --no-audit --no-fund >"$log" 2>&1; then
      if grep -q 'node_modules/electron' "$log" && grep -Eq 'install\.js|@electron/get' "$log"; then
        # One sentence instead of npm's stack trace: the cause, the consequence, the way out.
        local why
        why="$(grep -Eo '(RequestError|HTTPError|Error): [^ ].*' "$log" | head -1 | cut -c1-120)"
        kiln_log "Electron's binary could not be downloaded (${why:-see $log}); installing without it. Everything but the desktop window works; get it later with \`node node_modules/electron/install.js\` (ELECTRON_MIRROR selects a mirror)."
        ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund >"$log" 2>&1 \
          || { tail -n 20 "$log" >&2; kiln_fail E_NPM_CI "npm ci failed (log: $log)." "check the network access to the npm registry, then run \`npm run setup\` again."; }
      else
        tail -n 20 "$log" >&2
        kiln_fail E_NPM_CI "npm ci failed (log: $log)." "check the network access to the npm registry, then run \`npm run setup\` again."
      fi
    fi
    grep -E '^(added|removed|changed|up to date)' "$log" | tail -1 | sed 's/^/[kiln] /' >&2 || true
    rm -f "$log"
  fi
  printf '%s\n' "$want" >"$stamp"
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  kiln_apt_install chromium
}

ensure_ollama_image() {
  docker image inspect ollama/ollama:latest >/dev/null 2>&1 && return
  if timeout 300 docker pull -q ollama/ollama:latest >/dev/null 2>&1; then
    kiln_log "pulled ollama/ollama:latest"
    return
  fi
  kiln_log "ollama/ollama:latest cannot be pulled: building the test stand-in under that tag (no real model server)"
  node --import tsx tests/fixtures/ollama-standin/build.ts
}

skip deps || ensure_node_deps
skip docker || bash scripts/ensure-docker.sh
skip base-image || bash scripts/ensure-base-image.sh
skip chromium || ensure_chromium
skip runtime-image || node --import tsx scripts/ensure-runtime-image.ts
skip ollama-standin || ensure_ollama_image
skip cli || { node scripts/build.mjs --cli --renderer >/dev/null && kiln_log "CLI bundle: out/cli/kiln.cjs; window: out/renderer"; }
kiln_log "setup complete"
