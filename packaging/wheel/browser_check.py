"""The browser half of the wheel test: runs panel-scenario.mjs through the e2e harness (e2e/lib/run-scenario.mjs:
headless Debian Chromium driven by playwright-core) against a running jupyter-server, prints its PASS/FAIL step lines
as they come and counts them. Used by check_installed.py.
"""

import os
import queue
import re
import signal
import subprocess
import threading
import time

# "PASS browser: step (1.2s)" / "FAIL browser: step: reason" (reason lines continued with 4 spaces) from the
# scenario; "PASS name (3.4s)" / "FAIL name: reason" (continued with 2 spaces) from the harness's runner, last.
STEP_LINE = re.compile(r"^(PASS|FAIL) browser: ")
RUNNER_FAILURE = re.compile(r"^FAIL (?!browser: )\S+")
# The scenario's name in panel-scenario.mjs: the harness puts its screenshots in OUT_DIR/<name>/.
SCENARIO_NAME = "wheel-panel"
_END = object()


class ScenarioOutput:
    """Reads the scenario's stdout line by line: step lines are printed at once and counted; at the end, a scenario
    that did not pass as a whole gets one FAIL line of its own unless a step already reported the failure."""

    def __init__(self, emit):
        self.emit = emit
        self.passed = self.failed = 0
        self.in_step_failure = False
        self.runner_failure = None

    def feed(self, line):
        if STEP_LINE.match(line):
            ok = line.startswith("PASS")
            self.passed += ok
            self.failed += not ok
            self.in_step_failure = not ok
            self.emit(line)
        elif self.in_step_failure and line.startswith("    "):
            self.emit(line)
        elif RUNNER_FAILURE.match(line):
            self.in_step_failure = False
            self.runner_failure = line
        elif self.runner_failure is not None and line.startswith("  "):
            self.runner_failure += "\n" + line

    def finish(self, timed_out, timeout_s, returncode):
        problem = None
        if timed_out:
            problem = f"the panel scenario did not end within {timeout_s}s"
        elif self.failed:
            return
        elif self.runner_failure:
            # No step reported a failure (the scenario did not load, the browser did not start, the runner's time
            # limit struck mid-step, or a browser problem came after the last step): the runner's reason is the result.
            problem = self.runner_failure[len("FAIL "):]
        elif self.passed == 0:
            problem = f"the panel scenario reported nothing (exit code {returncode})"
        elif returncode != 0:
            problem = f"the panel scenario exited {returncode} after passing every step"
        if problem:
            self.failed += 1
            self.emit(f"FAIL browser: {problem}")


def run_panel_scenario(e2e_dir, scenario, *, base_url, token, root_dir, out_dir, work, timeout_s, emit):
    """Runs the scenario, emitting its PASS/FAIL lines; returns (passed, failed, diagnostics), where diagnostics
    is text for stderr when something failed. A failing browser is a FAIL line, never an exception."""
    env = dict(os.environ)
    env.update(
        E2E_BASE_URL=base_url if base_url.endswith("/") else base_url + "/",
        E2E_TOKEN=token,
        E2E_ROOT_DIR=root_dir,
        E2E_OUT=out_dir,
        # What the server provides: JupyterLab and a Rucio instance (the demo Sandbox) behind the panel.
        E2E_SERVICES="lab,rucio",
        # The runner's own limit comes first, so a slow step still ends with the harness's failure screenshot.
        E2E_SCENARIO_TIMEOUT_S=str(max(timeout_s - 20, 10)),
    )

    # The harness redacts the token itself; this also covers what it never saw (a crash of node, say).
    def redact(text):
        return text.replace(token, "<redacted>")

    output = ScenarioOutput(lambda line: emit(redact(line)))
    log_path = os.path.join(work, "browser.log")
    runner = os.path.join(e2e_dir, "lib", "run-scenario.mjs")
    with open(log_path, "wb") as log:
        # A session of its own, stopped as a group at the end. Playwright starts Chromium in a group of its own and
        # closes it when node gets SIGTERM (and Chromium exits when node's end of its pipe closes).
        process = subprocess.Popen(["node", runner, scenario], env=env, stdout=subprocess.PIPE, stderr=log,
                                   cwd=e2e_dir, start_new_session=True)
    lines = queue.Queue()

    def pump():
        for raw in process.stdout:
            lines.put(raw.decode("utf-8", errors="replace").rstrip("\n"))
        lines.put(_END)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout_s
    timed_out = False
    try:
        while True:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                timed_out = True
                break
            if line is _END:
                # stdout closes as node exits: its exit code is the runner's verdict.
                try:
                    process.wait(timeout=max(deadline - time.monotonic(), 1))
                except subprocess.TimeoutExpired:
                    timed_out = True
                break
            output.feed(line)
    finally:
        stop_process_group(process)
    output.finish(timed_out, timeout_s, process.returncode)
    diagnostics = None
    if output.failed:
        diagnostics = redact(f"screenshots: {os.path.join(out_dir, SCENARIO_NAME)}\n{browser_log_tail(log_path)}")
    return output.passed, output.failed, diagnostics


def browser_log_tail(log_path, lines=30):
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            tail = f.read().splitlines()[-lines:]
    except OSError:
        return "--- no browser log ---"
    return "--- browser log tail ---\n" + "\n".join(tail)


def stop_process_group(process):
    """Stops node and what it left in its process group, also after node itself exited."""
    if process.poll() is None:
        try:
            # SIGTERM first: playwright closes its browser on it.
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
