"""Runs a real jupyter-server (Debian's) with the extension enabled, in a subprocess."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Callable, Dict, List, Optional, TypeVar

JUPYTER_DIR = Path(__file__).resolve().parents[2]
REPOSITORY_ROOT = JUPYTER_DIR.parent
ENABLEMENT_FILE = JUPYTER_DIR / "jupyter-config" / "jupyter_server_config.d" / "rucio_jupyterlab.json"
STUB_BACKEND = Path(__file__).resolve().parent / "stub_backend.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's; the pyenv python first on PATH lacks jupyter_server

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    """Polls `condition` until it returns something truthy; fails with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state != b"Z"


def write_stub_launcher(directory: Path) -> Path:
    """An executable that runs the stub backend, the way a self-contained backend is run."""
    launcher = directory / "stub-backend"
    launcher.write_text(f'#!/bin/sh\nexec {SYSTEM_PYTHON} {STUB_BACKEND} "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return launcher


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)

    def cookies(self) -> Dict[str, str]:
        jar: Dict[str, str] = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(header)
            jar.update({name: morsel.value for name, morsel in parsed.items()})
        return jar


@dataclass
class JupyterServer:
    process: subprocess.Popen
    port: int
    token: str
    base_url: str
    home: Path
    runtime_dir: Path
    data_dir: Path
    log_path: Path
    _log_handle: object = field(repr=False, default=None)

    def url_path(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def connection(self, timeout: float = 30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        authenticated: bool = True,
        headers: Optional[Dict[str, str]] = None,
        body: Optional[bytes] = None,
        timeout: float = 30,
    ) -> Response:
        all_headers = dict(headers or {})
        if authenticated:
            all_headers.setdefault("Authorization", f"token {self.token}")
        connection = self.connection(timeout)
        try:
            connection.request(method, self.url_path(path), body=body, headers=all_headers)
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def backend_runtime_dirs(self) -> List[Path]:
        return sorted(self.runtime_dir.glob("rucio-jupyterlab-*"))

    def backend_pids(self) -> List[int]:
        """Live processes started with a --socket inside this server's runtime directory."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--socket" in argv and any(str(self.runtime_dir).encode() in part for part in argv):
                if process_alive(int(entry.name)):
                    pids.append(int(entry.name))
        return pids

    def wait_backend_ready(self, timeout: float = 30) -> int:
        """Waits until the proxied instances route answers 200; returns the backend's pid."""
        wait_for(
            lambda: self.request("GET", "rucio-jupyterlab/instances").status == 200,
            timeout,
            f"the backend to answer through the bridge (log: {self.log_path})",
        )
        pids = self.backend_pids()
        assert len(pids) == 1, f"expected one backend process, found {pids}"
        return pids[0]

    def stop(self, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        return self.process.returncode

    def kill_leftovers(self) -> None:
        """Test hygiene: no process started by this server may survive the test."""
        for pid in self.backend_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def start_jupyter_server(
    workdir: Path,
    *,
    backend: Optional[str],
    rucio_config: Optional[dict] = None,
    config_py: str = "",
    extensions: Optional[Dict[str, bool]] = None,
    extra_env: Optional[Dict[str, str]] = None,
    extra_args: Optional[List[str]] = None,
    base_url: str = "/",
) -> JupyterServer:
    """Starts Debian's jupyter-server on a free loopback port and waits until it answers."""
    config_dir = workdir / "config"
    (config_dir / "jupyter_server_config.d").mkdir(parents=True)
    if extensions is None:
        # The enablement file the package ships, exactly as operators install it.
        shutil.copy(ENABLEMENT_FILE, config_dir / "jupyter_server_config.d" / "rucio_jupyterlab.json")
    else:
        (config_dir / "jupyter_server_config.d" / "rucio_jupyterlab.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": extensions}}), encoding="utf-8"
        )
    if rucio_config is not None:
        (config_dir / "jupyter_server_config.json").write_text(
            json.dumps({"RucioConfig": rucio_config}), encoding="utf-8"
        )
    if config_py:
        (config_dir / "jupyter_server_config.py").write_text(config_py, encoding="utf-8")

    home, runtime_dir, data_dir, root_dir = (workdir / name for name in ("home", "runtime", "state", "notebooks"))
    for directory in (home, runtime_dir, root_dir):
        directory.mkdir(parents=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "RUCIO_JUPYTERLAB_", "PYTHON"))
    }
    env.update(
        {
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(config_dir),
            "JUPYTER_RUNTIME_DIR": str(runtime_dir),
            "JUPYTER_DATA_DIR": str(workdir / "jupyter-data"),
            "PYTHONPATH": str(JUPYTER_DIR),
            "PYTHONDONTWRITEBYTECODE": "1",
            "RUCIO_JUPYTERLAB_DATA_DIR": str(data_dir),
            "RUCIO_JUPYTERLAB_RESTART_BACKOFF": "0.5",
        }
    )
    if backend is not None:
        env["RUCIO_JUPYTERLAB_BACKEND"] = backend
    env.update(extra_env or {})

    port = free_port()
    token = "test-token-" + os.urandom(8).hex()
    log_path = workdir / "jupyter.log"
    log_handle = open(log_path, "wb")
    argv = [
        SYSTEM_PYTHON, "-m", "jupyter_server",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}", "--ServerApp.open_browser=False", "--ServerApp.allow_root=True",
        f"--ServerApp.root_dir={root_dir}", f"--ServerApp.base_url={base_url}",
        *(extra_args or []),
    ]
    process = subprocess.Popen(argv, env=env, stdout=log_handle, stderr=subprocess.STDOUT, cwd=workdir)
    server = JupyterServer(process, port, token, base_url, home, runtime_dir, data_dir, log_path, log_handle)

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"jupyter-server exited with {process.returncode}:\n{server.log_text()}")
        try:
            return server.request("GET", "api/status", timeout=2).status == 200
        except OSError:
            return False

    try:
        wait_for(answers, 30, "jupyter-server to answer /api/status")
    except BaseException:
        server.stop()
        raise
    return server
