#!/usr/bin/env bash
# The machine-level tools the test suite drives for real, from Debian's packages, installed only
# when missing: nginx (the production routing in front of a running fleet), ShellCheck (Dockerfile
# lint), envsubst (nginx templates), kubectl (kustomize overlays), promtool (alerting rules) and
# Chromium (the web page's browser tests), redis-server and redis-cli (the Redis Clusters the tests
# start on loopback), openssl (the throwaway CA and certificate of the TLS one). Installing needs
# root (or passwordless sudo); without either, this prints the one apt-get line to run and fails,
# rather than letting tests fail later.
set -euo pipefail

# command → Debian package
declare -A PACKAGES=(
  [nginx]=nginx
  [shellcheck]=shellcheck
  [envsubst]=gettext-base
  [kubectl]=kubernetes-client
  [promtool]=prometheus
  [chromium]=chromium
  [redis-server]=redis-server
  [redis-cli]=redis-tools
  [openssl]=openssl
  [espeak-ng]=espeak-ng
)

missing=()
for cmd in "${!PACKAGES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PACKAGES[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "test tools missing, installing from Debian: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "error: installing needs root. Run once as root, then test again:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
