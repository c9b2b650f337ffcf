#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently, into .e2e/ (git-ignored):
#   - Debian chromium (driven by playwright-core; never `playwright install`)
#   - code-server 4.100.3 (a real VS Code in the browser), installed offline-friendly: the
#     @vscode/ripgrep postinstall would download ripgrep from GitHub (unreachable here), so we
#     pre-seed its download cache with a tarball built from Debian's ripgrep. Its postinstall
#     looks for $TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<rg version>-<target>.tar.gz
#     and untars it into its bin/ directory, so `rg` must sit at the tarball's root.
#   - neovim (Debian's 0.7.x) for test/nvim.
# Usage: bash scripts/e2e-setup.sh   (as root; takes ~1-2 min the first time, seconds after)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/.e2e"
CS_VERSION=4.100.3
PREFIX="$E2E/code-server-$CS_VERSION"
mkdir -p "$E2E"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need_apt=0
for bin in chromium rg nvim pkg-config; do command -v "$bin" >/dev/null 2>&1 || need_apt=1; done
for hdr in /usr/include/krb5.h /usr/include/X11/Xlib.h /usr/include/X11/extensions/XKBfile.h /usr/include/libsecret-1/libsecret/secret.h; do
  [ -e "$hdr" ] || need_apt=1
done
if [ "$need_apt" = 1 ]; then
  echo "[e2e-setup] installing Debian packages (chromium, neovim, build headers, ripgrep)"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium libkrb5-dev libx11-dev libxkbfile-dev \
    libsecret-1-dev pkg-config ripgrep neovim
else
  echo "[e2e-setup] Debian packages already present"
fi

CS_BIN="$PREFIX/node_modules/.bin/code-server"
if [ -x "$CS_BIN" ] && "$CS_BIN" --version 2>/dev/null | grep -q "^$CS_VERSION"; then
  echo "[e2e-setup] code-server $CS_VERSION already installed at $PREFIX"
else
  echo "[e2e-setup] installing code-server $CS_VERSION into $PREFIX"
  TMP="$E2E/tmp"
  mkdir -p "$TMP" "$PREFIX"
  # @vscode/ripgrep 1.15.11 fetches ripgrep v13.0.0-10; seed its cache with Debian's rg.
  CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$CACHE"
  STAGE="$TMP/rg-stage"
  rm -rf "$STAGE" && mkdir -p "$STAGE" && cp /usr/bin/rg "$STAGE/rg"
  for target in x86_64-unknown-linux-musl; do
    tar -czf "$CACHE/ripgrep-v13.0.0-10-$target.tar.gz" -C "$STAGE" rg
  done
  [ -f "$PREFIX/package.json" ] || echo '{"name":"e2e-code-server","private":true}' > "$PREFIX/package.json"
  (cd "$PREFIX" && TMPDIR="$TMP" npm_config_yes=true npm_config_unsafe_perm=true \
    npm install "code-server@$CS_VERSION" --foreground-scripts --no-audit --no-fund)
  "$CS_BIN" --version
fi
echo "[e2e-setup] chromium: $(command -v chromium) | code-server: $CS_BIN | nvim: $(command -v nvim)"
