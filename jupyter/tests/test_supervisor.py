"""Backend supervision with stand-in processes: readiness, restarts, giving up, stopping."""

import asyncio
import logging
import os
import signal
import tempfile

import pytest

from rucio_jupyterlab.config import RuntimeFiles
from rucio_jupyterlab.settings import BridgeSettings
from rucio_jupyterlab.launch import LaunchSpec
from rucio_jupyterlab.supervisor import BackendState, BackendSupervisor
from support.jupyter import process_alive

# The supervisor appends `--socket PATH --config …`; with `sh -c SCRIPT sh` they become $1, $2, …
# so "$2" is the socket path.
LISTENS = 'touch "$2"; exec sleep 60'
IGNORES_SIGTERM = "trap '' TERM; touch \"$2\"; sleep 60"
CRASHES = 'echo "fatal: cannot start" >&2; exit 3'

FAST = BridgeSettings(start_timeout=5, stop_grace=0.5, restart_backoff=0.05, max_rapid_failures=3, stable_after=60)


@pytest.fixture
def runtime():
    with tempfile.TemporaryDirectory(prefix="rjl-") as directory:
        files = RuntimeFiles.create(directory, {})
        yield files
        files.remove()


def _supervisor(runtime, script, settings=FAST, healthy=True):
    async def health_check():
        return healthy

    launch = LaunchSpec(
        command=["/bin/sh", "-c", script, "sh"],
        runtime=runtime,
        data_dir=runtime.directory,
        root_dir=runtime.directory,
        log_level="info",
        environment={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "JUPYTER_TOKEN": "jupyter-secret"},
    )
    return BackendSupervisor(launch, None, settings, logging.getLogger("test.supervisor"), health_check)


async def _until(condition, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def test_a_healthy_backend_becomes_ready_and_stops_on_sigterm(runtime):
    async def scenario():
        supervisor = _supervisor(runtime, LISTENS)
        supervisor.start()
        assert await supervisor.wait_ready(5)
        pid = supervisor.pid
        assert pid and process_alive(pid)
        await supervisor.stop()
        assert supervisor.state is BackendState.STOPPED
        assert not process_alive(pid)
        assert not os.path.exists(runtime.directory)

    asyncio.run(scenario())


def test_a_backend_ignoring_sigterm_is_killed_after_the_grace_period(runtime):
    async def scenario():
        supervisor = _supervisor(runtime, IGNORES_SIGTERM)
        supervisor.start()
        assert await supervisor.wait_ready(5)
        pid = supervisor.pid
        started = asyncio.get_running_loop().time()
        await supervisor.stop()
        elapsed = asyncio.get_running_loop().time() - started
        assert not process_alive(pid)
        assert FAST.stop_grace <= elapsed < FAST.stop_grace + 3

    asyncio.run(scenario())


def test_a_dead_backend_is_restarted(runtime):
    async def scenario():
        supervisor = _supervisor(runtime, LISTENS)
        supervisor.start()
        assert await supervisor.wait_ready(5)
        first = supervisor.pid
        os.kill(first, signal.SIGKILL)
        await _until(lambda: supervisor.pid not in (None, first) and supervisor.state is BackendState.READY)
        assert process_alive(supervisor.pid)
        await supervisor.stop()

    asyncio.run(scenario())


def test_repeated_crashes_make_it_give_up_with_an_explanation(runtime):
    async def scenario():
        supervisor = _supervisor(runtime, CRASHES)
        supervisor.start()
        await _until(lambda: supervisor.state is BackendState.FAILED)
        message = supervisor.unavailable().message
        assert "failed 3 times in a row" in message
        assert "exited with code 3" in message
        assert "Jupyter server log" in message
        assert not await supervisor.wait_ready(0.1)
        await supervisor.stop()

    asyncio.run(scenario())


def test_a_backend_that_never_answers_is_stopped_and_reported(runtime):
    async def scenario():
        settings = BridgeSettings(start_timeout=0.3, stop_grace=0.5, restart_backoff=0.05, max_rapid_failures=2)
        supervisor = _supervisor(runtime, LISTENS, settings, healthy=False)
        supervisor.start()
        await _until(lambda: supervisor.state is BackendState.FAILED)
        assert "did not answer GET /_health" in supervisor.unavailable().message
        assert supervisor.pid is None
        await supervisor.stop()

    asyncio.run(scenario())


def test_restarting_backend_is_reported_with_retry_after(runtime):
    async def scenario():
        slow = BridgeSettings(start_timeout=5, stop_grace=0.5, restart_backoff=30, max_rapid_failures=3)
        supervisor = _supervisor(runtime, CRASHES, slow)
        supervisor.start()
        await _until(lambda: supervisor.state is BackendState.RESTARTING)
        unavailable = supervisor.unavailable()
        assert "being restarted (attempt 1 of 3)" in unavailable.message
        assert 1 <= unavailable.retry_after <= 31
        await supervisor.stop()  # must not wait out the 30 s back-off
        assert supervisor.state is BackendState.STOPPED

    asyncio.run(scenario())


def test_an_unlaunchable_backend_reports_why(runtime):
    async def never_asked():
        raise AssertionError("no health check without a backend")

    async def scenario():
        supervisor = BackendSupervisor(
            None, "The backend was not found here.", FAST, logging.getLogger("test"), never_asked
        )
        supervisor.start()
        assert not await supervisor.wait_ready(1)
        assert supervisor.unavailable().message.startswith("The backend was not found here.")
        await supervisor.stop()

    asyncio.run(scenario())


def test_jupyter_credentials_are_not_passed_to_the_backend(runtime):
    launch = _supervisor(runtime, LISTENS)._launch
    environment = LaunchSpec(
        command=launch.command, runtime=runtime, data_dir="d", root_dir="r", log_level="debug",
        environment={"JUPYTER_TOKEN": "a", "JUPYTERHUB_API_TOKEN": "b", "JUPYTERHUB_USER": "alice",
                     "RUCIO_ACCESS_TOKEN": "kept"},
    ).child_environment()
    assert environment == {"JUPYTERHUB_USER": "alice", "RUCIO_ACCESS_TOKEN": "kept"}
    assert launch.argv()[-10:] == [
        "--socket", runtime.socket_path, "--config", runtime.config_path,
        "--data-dir", runtime.directory, "--root-dir", runtime.directory, "--log-level", "info",
    ]
