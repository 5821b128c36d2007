# shellcheck shell=bash
# Dependency helpers shared by the project's scripts. Source it; it defines functions and variables only.
# Every helper is idempotent, quiet when nothing has to change, and safe without a TTY (CI runs as root).

if [[ -n "${_RUCIO_DEPS_SH_LOADED:-}" ]]; then return 0; fi
_RUCIO_DEPS_SH_LOADED=1

# The package sets below are read by the scripts that source this file.
# Debian packages for a JupyterLab server and kernel (Debian's Python, not PyPI).
# shellcheck disable=SC2034
JUPYTER_DEBS=(python3-jupyter-server python3-jupyterlab-server python3-ipykernel python3-jupyter-client
              python3-pytest python3-tornado python3-jinja2)
# Debian packages for headless browser tests (the browser itself comes from Debian, never from a download).
# shellcheck disable=SC2034
BROWSER_DEBS=(chromium fonts-liberation fonts-dejavu-core)
# Tools the scripts call (node and npm come with the machine image; see ensure_node).
# shellcheck disable=SC2034
BUILD_DEBS=(ca-certificates curl)

# deps_log MSG...: prints a progress line on stderr (stdout stays clean for callers that capture output).
deps_log() { printf '[deps] %s\n' "$*" >&2; }

# deps_die MSG...: prints an error on stderr and fails the current (sub)shell.
deps_die() { printf '[deps] ERROR: %s\n' "$*" >&2; return 1; }

# _deps_as_root CMD...: runs CMD as root, through sudo only when we are not root already.
_deps_as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

# ensure_apt PKG...: installs the given Debian packages that are missing; apt-get update only when needed.
ensure_apt() {
  local missing=() pkg installed
  # One dpkg-query for all packages keeps the already-installed case at a few milliseconds.
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null | awk '$2 == "installed" {print $1}')
  for pkg in "$@"; do
    grep -qx -- "$pkg" <<<"$installed" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  deps_log "installing Debian packages: ${missing[*]}"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q -y)
  # The first try uses the existing package lists; only a failure (missing list or stale version) costs an update.
  local log
  log=$(mktemp /tmp/deps-apt.XXXXXX)
  if ! _deps_as_root "${apt[@]}" install --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    if ! { _deps_as_root "${apt[@]}" update && _deps_as_root "${apt[@]}" install --no-install-recommends "${missing[@]}"; } >>"$log" 2>&1; then
      tail -n 30 "$log" >&2
      rm -f "$log"
      deps_die "apt-get install ${missing[*]} failed"
      return 1
    fi
  fi
  rm -f "$log"
}

# _deps_npm_inputs_hash DIR: prints a hash of what decides an npm install (manifest, lockfile, node version).
_deps_npm_inputs_hash() {
  local dir=$1
  { cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null; node --version; } | sha256sum | cut -d' ' -f1
}

# ensure_npm_install DIR: runs `npm install` in DIR only when package.json/package-lock.json changed since the last success.
ensure_npm_install() {
  local dir=$1 stamp hash
  [[ -f "$dir/package.json" ]] || { deps_die "no package.json in $dir"; return 1; }
  ensure_node || return 1
  stamp="$dir/node_modules/.rucio-install-stamp"
  hash=$(_deps_npm_inputs_hash "$dir")
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then return 0; fi
  deps_log "npm install in $dir"
  # `npm install` rather than `npm ci`: ci rejects lockfiles whose optional platform bindings (rspack) differ.
  if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >"$dir/.npm-install.log" 2>&1); then
    tail -n 40 "$dir/.npm-install.log" >&2
    deps_die "npm install failed in $dir (log: $dir/.npm-install.log)"; return 1
  fi
  rm -f "$dir/.npm-install.log"
  # Hash again: npm may rewrite the lockfile, and the stamp must describe the files as they are now.
  _deps_npm_inputs_hash "$dir" >"$stamp"
}

# ensure_node: fails with a clear message unless node >= 20 and npm are on PATH (JupyterLab 4 needs node 20).
ensure_node() {
  local version major
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    deps_die "node and npm are required (node >= 20); the machine image provides them"; return 1
  fi
  version=$(node --version)
  major=${version#v}; major=${major%%.*}
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 20 ]] || { deps_die "node $version found, 20 or newer is required"; return 1; }
}

# ensure_dotnet: fails with a clear message unless a .NET SDK >= 10 is on PATH.
ensure_dotnet() {
  local version major
  command -v dotnet >/dev/null || { deps_die "dotnet not found: install the .NET 10 SDK (see global.json)"; return 1; }
  version=$(dotnet --version 2>/dev/null) || { deps_die "dotnet --version failed"; return 1; }
  major=${version%%.*}
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 10 ]] || { deps_die "dotnet SDK $version found, 10 or newer is required"; return 1; }
}

# free_port: prints a TCP port on 127.0.0.1 that is free right now (the kernel picks it, so it is not guessed).
free_port() {
  /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# wait_http URL TIMEOUT_S: polls URL until it answers 200, 302 or 403; fails after TIMEOUT_S seconds.
wait_http() {
  local url=$1 timeout_s=${2:-30} deadline code
  deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null || true)
    case "$code" in 200|302|403) return 0 ;; esac
    if (( $(date +%s) >= deadline )); then
      deps_die "$url did not answer within ${timeout_s}s (last status: ${code:-none})"; return 1
    fi
    sleep 0.2
  done
}
