# Shared helpers for the ensure-*.sh scripts. Sourced, never run.
# Every message goes to stderr with a "[kiln]" prefix so test output stays readable.

kiln_log() { printf '[kiln] %s\n' "$*" >&2; }

# kiln_fail CODE SENTENCE NEXT-STEP: a user-facing error (code, sentence, next step), then exit 1.
kiln_fail() {
  printf '[kiln] error %s: %s\n[kiln] next step: %s\n' "$1" "$2" "$3" >&2
  exit 1
}

kiln_need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    kiln_fail "$1" "this step installs system packages and needs root." "run it again with sudo, or install $2 yourself."
  fi
}

# apt-get update runs at most once per process tree (the marker lives for this run only).
kiln_apt_install() {
  kiln_need_root E_APT_ROOT "$*"
  if [ -z "${KILN_APT_UPDATED:-}" ]; then
    kiln_log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || kiln_fail E_APT_UPDATE "apt-get update failed." "check the network access to the Debian mirror."
    export KILN_APT_UPDATED=1
  fi
  kiln_log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || kiln_fail E_APT_INSTALL "apt-get install $* failed." "install it by hand and run this again."
}

# Where slow downloads (debootstrap rootfs, node tarballs) are kept between runs.
kiln_cache_dir() {
  local dir="${KILN_CACHE_DIR:-/var/cache/kiln}"
  mkdir -p "$dir" 2>/dev/null || { dir="${HOME:-/tmp}/.cache/kiln"; mkdir -p "$dir"; }
  printf '%s' "$dir"
}
