"""Starts the C# backend, waits until it answers, restarts it when it dies, stops it on shutdown."""

import asyncio
import enum
import logging
import math
import os
import signal
import time
from dataclasses import dataclass
from typing import Awaitable, Callable, List, NamedTuple, Optional

from .launch import LaunchSpec, alive, describe_exit, signal_group
from .process_output import OutputRelay
from .settings import BridgeSettings

LOG_HINT = (
    "Details are in the Jupyter server log, in lines from 'rucio_jupyterlab' "
    "(under JupyterHub: the single-user server's log)."
)


class BackendState(enum.Enum):
    STARTING = "starting"
    READY = "ready"
    RESTARTING = "restarting"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Unavailable:
    """Why requests cannot be served right now, for the 503 answer."""

    message: str
    retry_after: Optional[int]


class RunOutcome(NamedTuple):
    """How one backend process ended."""

    became_ready: bool
    seconds_ready: float
    failure: str
    """What went wrong, completing "The backend …" (e.g. "exited with code 2 while starting")."""


HealthCheck = Callable[[], Awaitable[bool]]


class BackendSupervisor:
    """Owns the backend process. All methods except `stop_blocking` run on the server's event loop."""

    def __init__(
        self,
        launch: Optional[LaunchSpec],
        launch_error: Optional[str],
        settings: BridgeSettings,
        log: logging.Logger,
        health_check: HealthCheck,
    ) -> None:
        self._launch = launch
        self._settings = settings
        self._log = log
        self._output_log = log.getChild("backend")
        # The backend already filtered by its own --log-level; relay whatever it chose to print.
        self._output_log.setLevel(logging.DEBUG)
        self._health_check = health_check
        self._process: Optional[asyncio.subprocess.Process] = None
        self._task: Optional[asyncio.Task] = None
        self._stop_task: Optional[asyncio.Task] = None
        self._stopping = False
        # Events are created on the event loop (in start) because older Pythons bind them at creation.
        self._settled: Optional[asyncio.Event] = None
        self._stop_requested: Optional[asyncio.Event] = None
        self._failure_count = 0
        self._last_failure = ""
        self._restart_at = 0.0
        self._hint = ""
        if launch is None:
            self._state = BackendState.FAILED
            self._failed_message = f"{launch_error or 'The backend cannot be launched.'} {LOG_HINT}"
        else:
            self._state = BackendState.STARTING
            self._failed_message = ""

    @property
    def state(self) -> BackendState:
        return self._state

    @property
    def pid(self) -> Optional[int]:
        process = self._process
        return process.pid if process is not None and process.returncode is None else None

    def start(self) -> None:
        """Begins supervising; call once, on the event loop."""
        self._settled = asyncio.Event()
        self._stop_requested = asyncio.Event()
        if self._launch is None:
            self._settled.set()
            self._log.error("%s", self._failed_message)
            return
        if self._task is None and not self._stopping:
            self._task = asyncio.get_running_loop().create_task(self._supervise())

    async def wait_ready(self, timeout: float) -> bool:
        """True when the backend can take requests, waiting up to `timeout` while it is starting."""
        if self._state is BackendState.STARTING and self._settled is not None:
            try:
                await asyncio.wait_for(self._settled.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        return self._state is BackendState.READY

    def unavailable(self) -> Unavailable:
        state = self._state
        if state is BackendState.FAILED:
            return Unavailable(self._failed_message, None)
        if state is BackendState.STOPPED:
            return Unavailable(
                "The Rucio JupyterLab backend has stopped because the Jupyter server is shutting down.", None
            )
        if state is BackendState.RESTARTING:
            wait = max(0.0, self._restart_at - asyncio.get_running_loop().time())
            return Unavailable(
                f"The Rucio JupyterLab backend {self._last_failure} and is being restarted "
                f"(attempt {self._failure_count} of {self._settings.max_rapid_failures}); retry in a "
                f"few seconds. {LOG_HINT}",
                math.ceil(wait) + 1,
            )
        if state is BackendState.STARTING:
            return Unavailable(
                "The Rucio JupyterLab backend is still starting; retry in a few seconds. "
                f"If this persists: {LOG_HINT}",
                2,
            )
        return Unavailable(f"The Rucio JupyterLab backend is not reachable. {LOG_HINT}", 2)

    async def stop(self) -> None:
        """Stops the backend (SIGTERM, then SIGKILL after the grace period) and the supervision.

        Safe to call more than once and from several shutdown hooks: they all await one stop.
        """
        if self._stop_task is None:
            self._stop_task = asyncio.get_running_loop().create_task(self._stop())
        await asyncio.shield(self._stop_task)

    async def _stop(self) -> None:
        self._stopping = True
        if self._stop_requested is not None:
            self._stop_requested.set()
        process = self._process
        if process is not None and process.returncode is None:
            self._log.info("Stopping the Rucio JupyterLab backend (pid %d)", process.pid)
            await self._terminate(process)
        task = self._task
        if task is not None and not task.done():
            # The supervision loop ends by itself once the process is gone; cancel only if it hangs.
            _, pending = await asyncio.wait({task}, timeout=self._settings.stop_grace + 3)
            for leftover in pending:
                leftover.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._enter(BackendState.STOPPED)
        if self._launch is not None:
            self._launch.runtime.remove()

    def stop_blocking(self) -> None:
        """Last-resort synchronous stop for interpreter exit, when the event loop no longer runs."""
        self._stopping = True
        process = self._process
        if process is not None and process.returncode is None and alive(process.pid):
            signal_group(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + self._settings.stop_grace
            while time.monotonic() < deadline and alive(process.pid):
                time.sleep(0.05)
            signal_group(process.pid, signal.SIGKILL)
        self._state = BackendState.STOPPED
        if self._launch is not None:
            self._launch.runtime.remove()

    # ----------------------------------------------------------------------------------------

    def _enter(self, state: BackendState) -> None:
        self._state = state
        if self._settled is None:
            return
        if state is BackendState.STARTING:
            self._settled.clear()
        else:
            self._settled.set()

    async def _supervise(self) -> None:
        try:
            while not self._stopping:
                self._enter(BackendState.STARTING)
                outcome = await self._run_once()
                if self._stopping:
                    return
                if outcome.became_ready and outcome.seconds_ready >= self._settings.stable_after:
                    self._failure_count = 0
                self._failure_count += 1
                self._last_failure = failure = outcome.failure
                if self._failure_count >= self._settings.max_rapid_failures:
                    self._give_up()
                    return
                delay = min(
                    self._settings.restart_backoff * 2 ** (self._failure_count - 1),
                    self._settings.max_restart_backoff,
                )
                self._restart_at = asyncio.get_running_loop().time() + delay
                self._enter(BackendState.RESTARTING)
                self._log.warning(
                    "The Rucio JupyterLab backend %s; restarting in %.1f s (attempt %d of %d)",
                    failure, delay, self._failure_count, self._settings.max_rapid_failures,
                )
                try:
                    # Sleeps for the back-off, but wakes at once when the server shuts down.
                    assert self._stop_requested is not None
                    await asyncio.wait_for(self._stop_requested.wait(), delay)
                except asyncio.TimeoutError:
                    pass
        except asyncio.CancelledError:
            raise
        except Exception:
            self._log.exception("Supervising the Rucio JupyterLab backend failed")
            self._failed_message = (
                "The Rucio JupyterLab bridge failed while supervising its backend; restart the "
                f"Jupyter server. {LOG_HINT}"
            )
            self._enter(BackendState.FAILED)

    def _give_up(self) -> None:
        hint = f" {self._hint}" if self._hint else ""
        self._failed_message = (
            f"The Rucio JupyterLab backend failed {self._failure_count} times in a row and will not "
            f"be restarted again (last failure: it {self._last_failure}).{hint} {LOG_HINT} Fix the "
            "cause, then restart the Jupyter server."
        )
        self._log.error("%s", self._failed_message)
        self._enter(BackendState.FAILED)

    async def _run_once(self) -> RunOutcome:
        """Runs one backend process until it ends."""
        launch = self._launch
        assert launch is not None
        launch.runtime.remove_stale_socket()
        argv = launch.argv()
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,  # closes when Jupyter dies, so the backend can notice
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=launch.child_environment(),
                cwd=launch.root_dir if os.path.isdir(launch.root_dir) else None,
                start_new_session=True,  # own process group: stopping it reaches its children too
                limit=1 << 20,
            )
        except OSError as error:
            self._log.error("Could not start the Rucio JupyterLab backend %s: %s", argv[0], error)
            return RunOutcome(False, 0.0, f"could not be started ({error.strerror or error})")
        if self._stopping:
            # Shutdown began while the process was being spawned; it must not survive it.
            await self._terminate(process)
            return RunOutcome(False, 0.0, "was stopped while starting")
        self._process = process
        self._log.info("Started the Rucio JupyterLab backend (pid %d): %s", process.pid, " ".join(argv))
        relays = [
            asyncio.ensure_future(self._relay(process, process.stdout, logging.INFO)),
            asyncio.ensure_future(self._relay(process, process.stderr, logging.WARNING)),
        ]
        started = time.monotonic()
        try:
            problem = await self._wait_until_healthy(process)
            ready_since = None
            if problem is None:
                ready_since = time.monotonic()
                self._log.info(
                    "The Rucio JupyterLab backend is ready on %s after %.1f s",
                    launch.runtime.socket_path, ready_since - started,
                )
                self._enter(BackendState.READY)
                await process.wait()
            elif process.returncode is None:
                self._log.error("The Rucio JupyterLab backend %s; stopping it", problem)
                await self._terminate(process)
            if process.returncode is not None:
                # Helpers the backend started must not outlive it.
                signal_group(process.pid, signal.SIGKILL)
            uptime = time.monotonic() - ready_since if ready_since is not None else 0.0
            failure = problem if problem is not None else describe_exit(process.returncode)
            if not self._stopping and ready_since is not None:
                self._log.warning(
                    "The Rucio JupyterLab backend (pid %d) %s after %.1f s", process.pid, failure, uptime
                )
            return RunOutcome(ready_since is not None, uptime, failure)
        finally:
            await _finish_relays(relays)
            if self._process is process:
                self._process = None

    async def _wait_until_healthy(self, process: asyncio.subprocess.Process) -> Optional[str]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.start_timeout
        socket_path = self._launch.runtime.socket_path if self._launch else ""
        while True:
            if process.returncode is not None:
                return f"{describe_exit(process.returncode)} while starting"
            if os.path.exists(socket_path) and await self._health_check():
                return None
            if loop.time() >= deadline:
                return (
                    f"did not answer GET /_health on {socket_path} within "
                    f"{self._settings.start_timeout:g} s"
                )
            await asyncio.sleep(0.05)

    async def _relay(self, process: asyncio.subprocess.Process, stream, level: int) -> None:
        relay = OutputRelay(
            self._output_log,
            process.pid,
            level,
            self._launch.known_secrets if self._launch else (),
            on_hint=self._note_hint,
        )
        await relay.run(stream)

    def _note_hint(self, hint: str) -> None:
        self._hint = hint

    async def _terminate(self, process: asyncio.subprocess.Process) -> None:
        signal_group(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), self._settings.stop_grace)
        except asyncio.TimeoutError:
            self._log.warning(
                "The Rucio JupyterLab backend (pid %d) ignored SIGTERM for %g s; killing it",
                process.pid, self._settings.stop_grace,
            )
        signal_group(process.pid, signal.SIGKILL)
        await process.wait()


async def _finish_relays(relays: List["asyncio.Future"]) -> None:
    # The pipes reach EOF when the process exits, unless a leftover child still holds them.
    _, pending = await asyncio.wait(relays, timeout=2.0)
    for relay in pending:
        relay.cancel()
    await asyncio.gather(*relays, return_exceptions=True)
