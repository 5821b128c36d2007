"""Checks an installed rucio_jupyterlab wheel in a virtual environment (run by packaging/test-wheel).

Usage: check_installed.py VENV LAB_DIR [--rucio-config FILE --browser-scenario MJS --e2e-dir DIR --browser-out DIR]
                          [--summary-file FILE]

Starts jupyter-server from VENV with the project's JupyterLab app (rucio_lab, importable from LAB_DIR) and
nothing else enabled by hand: the wheel's own etc/jupyter file must enable the server extension. With
--rucio-config (a RucioConfig object, e.g. the demo Sandbox's rucio-config.json) the server gets it as its
RucioConfig section and, after the HTTP checks, --browser-scenario runs in headless Chromium through the e2e
harness in --e2e-dir. Prints PASS/FAIL per check, then "N passed, M failed" (or writes "N M" to --summary-file).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

from browser_check import run_panel_scenario

BACKEND = "Rucio.JupyterLab.Server"
INSTANCE = "wheel-test"
# Opening JupyterLab, the panel, a login, a search and an expansion: about 20 s on 2 busy cores.
BROWSER_TIMEOUT_S = 150


class Failed(AssertionError):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, probe, timeout_s):
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            result = probe()
            if result:
                return result
        except (requests.RequestException, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(0.25)


class InstalledWheel:
    def __init__(self, venv, lab_dir, work, rucio_config=None):
        self.venv, self.lab_dir, self.work = venv, lab_dir, work
        self.rucio_config = rucio_config
        self.root = os.path.join(work, "root")
        self.python = os.path.join(venv, "bin", "python")
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(work, "server.log")
        self.server = None
        self.site_packages = subprocess.run(
            [self.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        self.packaged_backend = os.path.join(self.site_packages, "rucio_jupyterlab", "backend", BACKEND)

    def headers(self):
        return {"Authorization": f"token {self.token}"}

    def module_from_venv(self):
        code = "import rucio_jupyterlab, rucio_jupyterlab.kernels; print(rucio_jupyterlab.__file__)"
        result = subprocess.run([self.python, "-c", code], capture_output=True, text=True, env=self.clean_env(),
                                timeout=60)
        expect(result.returncode == 0, f"importing the package failed: {result.stderr.strip()[-300:]}")
        expect(result.stdout.strip().startswith(self.site_packages),
               f"rucio_jupyterlab imported from {result.stdout.strip()}, not from the venv")

    def clean_env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "RUCIO_", "PYTHON"))}
        env["PATH"] = os.path.join(self.venv, "bin") + os.pathsep + env.get("PATH", "")
        return env

    def start_server(self):
        env = self.clean_env()
        for name in ("config", "data", "runtime"):
            os.makedirs(os.path.join(self.work, name), mode=0o700)
        root = self.root
        os.makedirs(root)
        if self.rucio_config is not None:
            # Only the RucioConfig section: enabling the server extension stays the wheel's own file's job.
            with open(os.path.join(self.work, "config", "jupyter_server_config.json"), "w", encoding="utf-8") as f:
                json.dump({"RucioConfig": self.rucio_config}, f)
        env.update(
            PYTHONPATH=self.lab_dir,  # rucio_lab only: rucio_jupyterlab must come from the wheel
            JUPYTER_CONFIG_DIR=os.path.join(self.work, "config"),
            JUPYTER_DATA_DIR=os.path.join(self.work, "data"),
            JUPYTER_RUNTIME_DIR=os.path.join(self.work, "runtime"),
            JUPYTER_TOKEN=self.token,
            HOME=self.work,
            # One instance from the environment, the way singleuser.extraEnv configures it (added after the
            # RucioConfig instances, if any).
            RUCIO_NAME=INSTANCE, RUCIO_DISPLAY_NAME="Wheel test", RUCIO_MODE="replica",
            RUCIO_BASE_URL="http://127.0.0.1:9", RUCIO_DESTINATION_RSE="TEST-RSE", RUCIO_RSE_MOUNT_PATH=root,
        )
        argv = [self.python, "-m", "rucio_lab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False"]
        if os.geteuid() == 0:
            argv.append("--ServerApp.allow_root=True")
        with open(self.log_path, "wb") as log:
            self.server = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.work,
                                           start_new_session=True)
        wait_for("jupyter-server", lambda: requests.get(f"{self.base}/api/status", headers=self.headers(),
                                                        timeout=2).ok, 60)

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def extension_loaded(self):
        log = self.log()
        expect("Rucio JupyterLab bridge registered" in log, "the server log has no 'bridge registered' line")
        expect(re.search(r"rucio_jupyterlab \| extension was successfully loaded", log),
               "jupyter-server did not report loading rucio_jupyterlab (is the wheel's etc/jupyter file installed?)")

    def instances_through_bridge(self):
        answer = requests.get(f"{self.base}/rucio-jupyterlab/instances", headers=self.headers(), timeout=60)
        expect(answer.status_code == 200, f"/rucio-jupyterlab/instances answered HTTP {answer.status_code}: {answer.text[:300]}")
        names = [item.get("name") for item in answer.json().get("instances", [])]
        expect(INSTANCE in names, f"the backend did not report the {INSTANCE} instance from RUCIO_*: {names}")

    def backend_is_packaged(self):
        expect(f"Using the packaged Rucio JupyterLab backend: {self.packaged_backend}" in self.log(),
               f"the bridge did not log that it uses {self.packaged_backend}")
        running = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    running.append(os.readlink(f"/proc/{entry}/exe"))
                except OSError:
                    continue
        expect(self.packaged_backend in running, f"no running process is {self.packaged_backend}")

    def labextension_in_page_config(self):
        page = requests.get(f"{self.base}/lab", headers=self.headers(), timeout=60)
        expect(page.status_code == 200, f"/lab answered HTTP {page.status_code}")
        match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page.text, re.S)
        expect(match, "no page config in /lab")
        federated = json.loads(match.group(1)).get("federated_extensions", [])
        ours = [e for e in federated if e.get("name") == "rucio-jupyterlab"]
        expect(ours, f"rucio-jupyterlab not in federated_extensions: {[e.get('name') for e in federated]}")
        installed = os.path.join(self.venv, "share", "jupyter", "labextensions", "rucio-jupyterlab", "package.json")
        expect(os.path.isfile(installed), f"the wheel did not install {installed}")
        entry = requests.get(f"{self.base}/lab/extensions/rucio-jupyterlab/{ours[0]['load']}",
                             headers=self.headers(), timeout=30)
        expect(entry.status_code == 200, f"its remoteEntry answered HTTP {entry.status_code}")
        # The very file the wheel installed, not a copy from another labextensions folder on the path.
        with open(os.path.join(os.path.dirname(installed), ours[0]["load"]), "rb") as f:
            expect(f.read() == entry.content, "the served remoteEntry is not the one the wheel installed")

    def datalake_runs(self):
        result = subprocess.run([os.path.join(self.venv, "bin", "datalake"), "--help"], capture_output=True,
                                text=True, env=self.clean_env(), timeout=60)
        expect(result.returncode == 0, f"datalake --help exited {result.returncode}: {result.stderr[-300:]}")
        expect("Usage:" in result.stdout and "whoami" in result.stdout, "datalake --help printed no usage")

    def stop(self):
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()


def run_checks(steps):
    """Runs each HTTP check; returns (passed, failed)."""
    passed = failed = 0
    for name, action in steps:
        started = time.monotonic()
        try:
            action()
        except (Failed, requests.RequestException, OSError, ValueError, subprocess.SubprocessError) as error:
            print(f"FAIL {name}: {error}", flush=True)
            failed += 1
        else:
            print(f"PASS {name} ({time.monotonic() - started:.1f}s)", flush=True)
            passed += 1
    return passed, failed


def run_browser(wheel, options):
    """Drives the panel in Chromium against the running server; returns (passed, failed)."""
    if wheel.server is None or wheel.server.poll() is not None:
        print("FAIL browser: the panel scenario: jupyter-server is not running", flush=True)
        return 0, 1
    passed, failed, diagnostics = run_panel_scenario(
        options.e2e_dir, options.browser_scenario, base_url=wheel.base, token=wheel.token, root_dir=wheel.root,
        out_dir=options.browser_out, work=wheel.work, timeout_s=BROWSER_TIMEOUT_S,
        emit=lambda line: print(line, flush=True),
    )
    if diagnostics:
        print(diagnostics, file=sys.stderr, flush=True)
    return passed, failed


def main(options):
    # test-wheel stops this script with SIGTERM when it is interrupted: the finally below must still stop the
    # server and the browser, which live in sessions of their own.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rucio_config = None
    if options.rucio_config:
        with open(options.rucio_config, encoding="utf-8") as f:
            rucio_config = json.load(f)
    work = tempfile.mkdtemp(prefix="rucio-wheel-test.")
    wheel = InstalledWheel(options.venv, options.lab_dir, work, rucio_config)
    steps = [
        ("the package imports from the venv (server and kernel extension)", wheel.module_from_venv),
        ("jupyter-server starts from the venv", wheel.start_server),
        ("the wheel's etc/jupyter file enabled the server extension", wheel.extension_loaded),
        ("/rucio-jupyterlab/instances answers through the bridge", wheel.instances_through_bridge),
        ("the backend runs from the packaged self-contained executable", wheel.backend_is_packaged),
        ("the wheel's labextension is in page config federated_extensions and served",
         wheel.labextension_in_page_config),
        ("datalake --help runs", wheel.datalake_runs),
    ]
    passed = failed = 0
    try:
        passed, failed = run_checks(steps)
        if options.browser_scenario:
            browser_passed, browser_failed = run_browser(wheel, options)
            passed, failed = passed + browser_passed, failed + browser_failed
    finally:
        wheel.stop()
        if failed and os.path.exists(wheel.log_path):
            print("--- server log tail ---", file=sys.stderr)
            print("\n".join(wheel.log().splitlines()[-40:]), file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    if options.summary_file:
        with open(options.summary_file, "w", encoding="utf-8") as f:
            f.write(f"{passed} {failed}\n")
    else:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("venv")
    parser.add_argument("lab_dir")
    parser.add_argument("--rucio-config", help="a RucioConfig JSON object for the server (the demo Sandbox's)")
    parser.add_argument("--browser-scenario", help="the panel scenario (.mjs) to run in Chromium")
    parser.add_argument("--e2e-dir", help="the e2e harness folder (its lib/run-scenario.mjs runs the scenario)")
    parser.add_argument("--browser-out", help="where the scenario's screenshots go")
    parser.add_argument("--summary-file", help="write 'PASSED FAILED' here instead of printing the summary line")
    options = parser.parse_args(argv)
    if options.browser_scenario and not (options.rucio_config and options.e2e_dir and options.browser_out):
        parser.error("--browser-scenario needs --rucio-config, --e2e-dir and --browser-out")
    return options


if __name__ == "__main__":
    sys.exit(main(parse_arguments(sys.argv[1:])))
