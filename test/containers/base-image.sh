#!/usr/bin/env bash
# Makes the Dockerfile's base image (node:20-bookworm-slim) on a machine that
# reaches no image registry: a minimal Debian bookworm made by mmdebstrap from
# Debian's own packages, plus this machine's Node 20 (binary, npm, corepack)
# laid out as the official image has it (/usr/local, user `node` 1000:1000).
# The Dockerfile stays the standard one; elsewhere the real image is pulled.
# Kept between runs: does nothing when the image exists.
set -euo pipefail
image="${1:-node:20-bookworm-slim}"
if podman image exists "$image"; then
  echo "base image $image: present"
  exit 0
fi
node_bin="$(command -v node)"
case "$(node --version)" in
  v20.*) ;;
  *) echo "base-image: $image needs Node 20 on this machine, found $(node --version)" >&2; exit 1 ;;
esac
node_modules="$(dirname "$(readlink -f "$node_bin")")/../lib/node_modules"
[ -d "$node_modules/npm" ] || { echo "base-image: npm not found beside $node_bin" >&2; exit 1; }

# Certificate authorities this machine added (a TLS-inspecting egress proxy's,
# say) are trusted inside too, by the system and by Node (npm, pnpm).
extra_cas=()
for ca in /usr/local/share/ca-certificates/*.crt; do [ -f "$ca" ] && extra_cas+=("$ca"); done
ca_hooks=()
node_ca_env=()
if [ ${#extra_cas[@]} -gt 0 ]; then
  ca_hooks=(--customize-hook="copy-in ${extra_cas[*]} /usr/local/share/ca-certificates" --customize-hook='chroot "$1" update-ca-certificates >/dev/null')
  node_ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi

work="$(mktemp -d /tmp/hop-base-image-XXXXXX)"
trap 'rm -rf "$work"' EXIT
started=$(date +%s)
# minbase: dpkg, apt and their libraries (libstdc++ is one: Node needs it);
# ca-certificates so HTTPS works inside, like the official slim image.
mmdebstrap --quiet --variant=minbase --include=ca-certificates \
  --customize-hook="copy-in $node_bin /usr/local/bin" \
  --customize-hook="mkdir -p \$1/usr/local/lib/node_modules" \
  --customize-hook="copy-in $node_modules/npm $node_modules/corepack /usr/local/lib/node_modules" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook='ln -s ../lib/node_modules/corepack/dist/corepack.js "$1/usr/local/bin/corepack"' \
  "${ca_hooks[@]}" \
  --customize-hook='chroot "$1" groupadd --gid 1000 node' \
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/usr/share/doc/* "$1"/usr/share/man/*' \
  bookworm "$work/rootfs.tar"
podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$(node --version | cut -c2-)" \
  "${node_ca_env[@]}" \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$image" >/dev/null
echo "base image $image: made in $(($(date +%s) - started)) s"
