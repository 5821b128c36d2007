"""Helpers for the rucio_lab tests: a real jupyter server started through jupyter/lab/serve.

A module of its own (not conftest) so tests can import it without clashing with other conftest.py files."""

import json
import os
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

LAB_DIR = Path(__file__).resolve().parent.parent
SERVE = LAB_DIR / "serve"
BUILD = LAB_DIR / "build"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


class LabServer:
    """A running `jupyter/lab/serve` process and small HTTP helpers authenticated with its token."""

    def __init__(self, tmp: Path, env_extra=None, serve_args=(), before_start=None, base_path=""):
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.root = tmp / "root"
        self.state = tmp / "state"
        self.root.mkdir(parents=True)
        self.base_url = f"http://127.0.0.1:{self.port}/"
        self.base_path = base_path
        if before_start:
            before_start(self)
        env = dict(os.environ, JUPYTER_TOKEN=self.token, **(env_extra or {}))
        self.log_path = tmp / "server.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(SERVE), "--no-build", "--port", str(self.port), "--root-dir", str(self.root),
             "--state-dir", str(self.state), *serve_args],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            self._wait_ready(timeout_s=30)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + self.base_path + "api", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout_s}s:\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace")

    def request(self, path, auth=True, method="GET"):
        """Returns (status, body bytes) without following redirects; HTTP errors are returned, not raised."""
        headers = {"Authorization": f"token {self.token}"} if auth else {}
        req = urllib.request.Request(self.base_url + path.lstrip("/"), headers=headers, method=method)
        try:
            with _NO_REDIRECTS.open(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def json(self, path):
        status, body = self.request(path)
        assert status == 200, f"GET {path}: {status} {body[:300]!r}"
        return json.loads(body)

    def page_config(self, path="lab"):
        status, body = self.request(path)
        assert status == 200, f"GET {path}: {status}"
        match = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>', body, re.S)
        assert match, "the lab page has no page config"
        return json.loads(match.group(1)), body.decode()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=5)
        self._log.close()
