#!/usr/bin/env bash
# Ensure the runtime Dockerfile's base image (node:20-bookworm-slim) exists in the local engine.
# Where a registry is reachable it is pulled; where none is (this project's CI), it is built
# locally to match the official image's layout:
#   debootstrap --variant=minbase bookworm          (Debian, from the host's apt mirror)
#   + /usr/local/bin/node                            (npm package node-linux-<arch>@<version>)
#   + /usr/local/lib/node_modules/npm, npm/npx links (npm package npm@<version>)
#   + /usr/local/include/node                        (the host's Node headers, same version)
#   + ca-certificates
# then `docker import` under the tag. Skipped entirely when the image exists. The debootstrap
# tarball and the finished rootfs tarball are cached in $KILN_CACHE_DIR (default /var/cache/kiln),
# so a rebuild after `docker system prune` is one `docker import`.
# Env: KILN_BASE_IMAGE (tag, default node:20-bookworm-slim), KILN_BASE_NPM_VERSION (default
# 10.8.2, the npm that Node 20 ships), KILN_BASE_PULL=0 to never try a pull.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib/common.sh"

tag="${KILN_BASE_IMAGE:-node:20-bookworm-slim}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  exit 0
fi

if [ "${KILN_BASE_PULL:-1}" != 0 ] && timeout 60 docker pull -q "$tag" >/dev/null 2>&1; then
  kiln_log "pulled $tag"
  exit 0
fi

# The headers decide the Node version: native modules compiled in the image must match them.
headers=/usr/include/node
[ -f "$headers/node_version.h" ] || kiln_fail E_BASE_HEADERS "no Node headers at $headers to put in the base image." "install Node 20 with its headers (Debian/NodeSource nodejs), or make $tag available to docker."
ver() { sed -n "s/^#define NODE_$1_VERSION \([0-9]*\)$/\1/p" "$headers/node_version.h"; }
node_version="$(ver MAJOR).$(ver MINOR).$(ver PATCH)"
want_major="$(sed -n 's/^node:\([0-9]*\).*/\1/p' <<<"$tag")"
if [ -n "$want_major" ] && [ "${node_version%%.*}" != "$want_major" ]; then
  kiln_fail E_BASE_NODE_MAJOR "the host's Node headers are $node_version but $tag needs Node $want_major." "install Node $want_major on the host, or set KILN_BASE_IMAGE/NODE_IMAGE to node:${node_version%%.*}-bookworm-slim."
fi
npm_version="${KILN_BASE_NPM_VERSION:-10.8.2}"
case "$(uname -m)" in
  x86_64) node_arch=x64 ;; aarch64) node_arch=arm64 ;;
  *) kiln_fail E_BASE_ARCH "no local base build for $(uname -m)." "make $tag available to docker by hand." ;;
esac

cache="$(kiln_cache_dir)"
# One build at a time per machine; a run that waited finds the image made.
exec 9>"$cache/.ensure-base-image.lock"
flock 9
if docker image inspect "$tag" >/dev/null 2>&1; then
  exit 0
fi
final="$cache/node-$node_version-npm-$npm_version-bookworm-slim-$node_arch.tar"

# Debian mirror: the first Debian URI apt uses on this host (deb822 or one-line format).
mirror="$(grep -hsoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list | head -n1 | tr -d ' ' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"; mirror="${mirror%/}"
security="$(grep -hsoE 'https?://[^ ]*/debian-security/?( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list | head -n1 | tr -d ' ' || true)"
security="${security:-http://deb.debian.org/debian-security}"; security="${security%/}"

if [ ! -s "$final" ]; then
  kiln_need_root E_BASE_ROOT "debootstrap"
  command -v debootstrap >/dev/null 2>&1 || kiln_apt_install debootstrap
  work="$(mktemp -d "$cache/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  rootfs="$work/rootfs"
  minbase="$cache/debootstrap-bookworm-minbase-$node_arch.tar"
  if [ ! -s "$minbase" ]; then
    kiln_log "debootstrap bookworm from $mirror (first time only; a few minutes)"
    started=$SECONDS
    debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { tail -n 30 "$work/debootstrap.log" >&2; kiln_fail E_BASE_DEBOOTSTRAP "debootstrap of bookworm failed." "check access to $mirror; the log's end is above."; }
    # Same sources as the official image (bookworm, -updates, -security), on this host's mirror.
    rm -f "$rootfs/etc/apt/sources.list"
    cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
    tar -C "$rootfs" --numeric-owner -cf "$minbase.tmp" . && mv "$minbase.tmp" "$minbase"
    kiln_log "debootstrap done in $((SECONDS - started))s (cached: $minbase)"
  else
    mkdir -p "$rootfs" && tar -C "$rootfs" --numeric-owner -xf "$minbase"
  fi

  kiln_log "adding Node $node_version and npm $npm_version"
  ( cd "$work" && npm pack --silent "node-linux-$node_arch@$node_version" "npm@$npm_version" >/dev/null ) \
    || kiln_fail E_BASE_NPM_PACK "could not fetch node-linux-$node_arch@$node_version / npm@$npm_version from the npm registry." "check npm's registry access (npm ping)."
  mkdir -p "$work/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules/npm" "$rootfs/usr/local/include"
  tar -C "$work/node" -xzf "$work/node-linux-$node_arch-$node_version.tgz"
  install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
  tar -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$work/npm-$npm_version.tgz"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  cp -a "$headers" "$rootfs/usr/local/include/node"
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null \
    || kiln_fail E_BASE_NODE_RUN "the fetched node binary does not run in the Debian rootfs." "report this with the output of: uname -m; ldd --version."
  tar -C "$rootfs" --numeric-owner -cf "$final.tmp" . && mv "$final.tmp" "$final"
  rm -rf "$work"; trap - EXIT
fi

kiln_log "importing $tag from $final"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  --message "kiln local base: debian bookworm minbase + node $node_version" \
  "$final" "$tag" >/dev/null
kiln_log "base image $tag is ready"
