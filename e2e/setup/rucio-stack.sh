# shellcheck shell=bash
# E2E_SETUP hook: builds and starts the whole Rucio stack for the browser scenarios (see e2e/setup/README.md).
# Sourced by e2e/run (set -euo pipefail) before the jupyter server starts; e2e/run uses it by default when a
# selected scenario lists `rucio` in `needs`.
#
#   Sandbox (Release, seeded demo + large dataset, transfer delay) ─ its rucio-config.json ─▶ RucioConfig
#   backend (Release dll) ◀─ RUCIO_JUPYTERLAB_BACKEND ─ rucio_jupyterlab bridge (PYTHONPATH, server extension)
#   panel (jupyter/build-extension) ─ linked into $E2E_STATE_DIR/data/labextensions/rucio-jupyterlab
#   kernels: IPython with the kernel extension (IPYTHONDIR profile), IRkernel (Debian)
#
# Tunables: E2E_STACK_BUILD=0 (use what is built), E2E_LARGE_FILES (default 100000),
#           E2E_TRANSFER_DELAY (default 1 s), E2E_POLL_SECONDS (panel polling preference, default 2).

_stack_log() { printf '[rucio-stack] %s\n' "$*" >&2; }

# _stack_build PROJECT: dotnet build -c Release; retried when another build holds the output files.
_stack_build() {
  local project=$1 log try
  log="$E2E_WORK/build-$(basename "$project").log"
  for try in 1 2 3; do
    if dotnet build "$REPO_DIR/$project" -c Release -nologo -clp:ErrorsOnly >"$log" 2>&1; then return 0; fi
    # Other builds run on this machine at the same time: a locked file is worth a retry, nothing else is.
    grep -qE 'being used by another process|MSB3026|MSB3027|MSB3021|\.lock' "$log" || break
    _stack_log "build of $project hit a file lock (attempt $try), retrying"
    sleep 3
  done
  _stack_log "dotnet build $project -c Release failed:"
  tail -n 30 "$log" >&2
  return 1
}

ensure_dotnet
ensure_apt r-base-core r-cran-irkernel

_stack_started=$(date +%s)
_stack_sandbox_dll="$REPO_DIR/src/Rucio.Sandbox/bin/Release/net10.0/Rucio.Sandbox.dll"
_stack_backend_dll="$REPO_DIR/src/Rucio.JupyterLab.Server/bin/Release/net10.0/Rucio.JupyterLab.Server.dll"

# --- the Sandbox first: seeding the large dataset takes a while and runs while the rest builds -------------
if [[ "${E2E_STACK_BUILD:-1}" != 0 ]]; then
  _stack_log "building the Sandbox (Release)"
  _stack_build src/Rucio.Sandbox/Rucio.Sandbox.csproj
fi
[[ -f "$_stack_sandbox_dll" ]] || { _stack_log "$_stack_sandbox_dll is missing"; return 1; }

# The large seed is 100,000 real files: on a tmpfs they are written and removed in seconds, on a busy disk
# removing them alone took minutes.
if [[ -d /dev/shm && -w /dev/shm ]]; then
  E2E_SANDBOX_DIR=$(mktemp -d /dev/shm/rucio-e2e-sandbox.XXXXXX)
else
  E2E_SANDBOX_DIR="$E2E_WORK/sandbox"
  mkdir -p "$E2E_SANDBOX_DIR"
fi
e2e_remove_on_exit "$E2E_SANDBOX_DIR"
E2E_SANDBOX_URL="http://127.0.0.1:$(free_port)"
E2E_SANDBOX_LOG="$E2E_WORK/sandbox.log"
setsid dotnet "$_stack_sandbox_dll" --urls "$E2E_SANDBOX_URL" --data-dir "$E2E_SANDBOX_DIR" --seed demo \
  --seed-large "${E2E_LARGE_FILES:-100000}" --transfer-delay "${E2E_TRANSFER_DELAY:-1}" >"$E2E_SANDBOX_LOG" 2>&1 &
_stack_sandbox_pid=$!
e2e_track_pid "$_stack_sandbox_pid"
export E2E_SANDBOX_DIR E2E_SANDBOX_URL E2E_SANDBOX_LOG

# --- backend and panel ---------------------------------------------------------------------------------
if [[ "${E2E_STACK_BUILD:-1}" != 0 ]]; then
  _stack_log "building the backend (Release)"
  _stack_build src/Rucio.JupyterLab.Server/Rucio.JupyterLab.Server.csproj
  _stack_log "building the panel extension"
  "$REPO_DIR/jupyter/build-extension"
fi
[[ -f "$_stack_backend_dll" ]] || { _stack_log "$_stack_backend_dll is missing"; return 1; }
[[ -f "$REPO_DIR/jupyter/rucio_jupyterlab/labextension/package.json" ]] || {
  _stack_log "the panel is not built (jupyter/build-extension)"; return 1; }

ln -sfn "$REPO_DIR/jupyter/rucio_jupyterlab/labextension" "$E2E_STATE_DIR/data/labextensions/rucio-jupyterlab"

# The panel's own preference: poll every few seconds so replication progress is seen without long waits.
_stack_settings="$E2E_STATE_DIR/config/lab/user-settings/rucio-jupyterlab"
mkdir -p "$_stack_settings"
printf '{"pollIntervalSeconds": %s}\n' "${E2E_POLL_SECONDS:-2}" >"$_stack_settings/plugin.jupyterlab-settings"

# Every Python kernel loads the kernel extension (seed 000: c.IPKernelApp.extensions).
export IPYTHONDIR="$E2E_STATE_DIR/ipython"
mkdir -p "$IPYTHONDIR/profile_default"
printf "c.IPKernelApp.extensions = ['rucio_jupyterlab.kernels.ipython']\n" >"$IPYTHONDIR/profile_default/ipython_kernel_config.py"

# The server, its backend and its kernels see the user's files under a home of their own: downloads go to
# ~/rucio there, inside the Jupyter root (so the file browser shows them) and gone with the run.
export E2E_SERVER_HOME="$E2E_ROOT_DIR"
export RUCIO_JUPYTERLAB_BACKEND="$_stack_backend_dll"
export RUCIO_JUPYTERLAB_DATA_DIR="$E2E_STATE_DIR/rucio-backend"
export PYTHONPATH="$REPO_DIR/jupyter${PYTHONPATH:+:$PYTHONPATH}"

# --- wait for the Sandbox, then its configuration becomes the server's RucioConfig --------------------------
_stack_log "waiting for the Sandbox to finish seeding"
_stack_deadline=$(( $(date +%s) + ${E2E_SANDBOX_START_TIMEOUT:-300} ))
until [[ -f "$E2E_SANDBOX_DIR/rucio-config.json" ]] && curl -fs -m 2 -o /dev/null "$E2E_SANDBOX_URL/ping"; do
  if ! kill -0 "$_stack_sandbox_pid" 2>/dev/null; then
    _stack_log "the Sandbox exited; its log:"; tail -n 30 "$E2E_SANDBOX_LOG" >&2; return 1
  fi
  if (( $(date +%s) >= _stack_deadline )); then
    _stack_log "the Sandbox was not ready in time; its log:"; tail -n 30 "$E2E_SANDBOX_LOG" >&2; return 1
  fi
  sleep 0.5
done

node "$E2E_DIR/setup/seed-fixtures.mjs" >&2

node -e '
const fs = require("node:fs");
const [config, out] = process.argv.slice(1);
const snippet = {
  ServerApp: { jpserver_extensions: { rucio_jupyterlab: true } },
  RucioConfig: JSON.parse(fs.readFileSync(config, "utf8")),
};
fs.writeFileSync(out, JSON.stringify(snippet, null, 2));
' "$E2E_SANDBOX_DIR/rucio-config.json" "$E2E_WORK/rucio-jupyterlab.json"
e2e_add_config_snippet "$E2E_WORK/rucio-jupyterlab.json"

e2e_provide rucio
_stack_log "stack ready in $(( $(date +%s) - _stack_started )) s (Sandbox $E2E_SANDBOX_URL)"
