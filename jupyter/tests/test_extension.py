"""Loading into a server object: route, single load, shutdown hooks, configuration problems."""

import asyncio
import logging
from types import SimpleNamespace

import pytest
from tornado.web import Application
from traitlets.config import Config

import rucio_jupyterlab
import rucio_jupyterlab.server
from rucio_jupyterlab.extension import BRIDGE_SETTING, create_bridge, load, unload
from rucio_jupyterlab.supervisor import BackendState


class FakeServerApp:
    """The parts of jupyter-server's ServerApp the extension touches."""

    def __init__(self, runtime_dir, config=None):
        self.config = config or Config()
        self.runtime_dir = str(runtime_dir)
        self.root_dir = str(runtime_dir)
        self.token = "jupyter-token-123"
        self.log = logging.getLogger("test.ServerApp")
        self.web_app = Application([], base_url="/base/")
        self.scheduled = []
        self.io_loop = SimpleNamespace(add_callback=self.scheduled.append)
        self.cleaned_up = []

    async def cleanup_extensions(self):
        self.cleaned_up.append("extensions")


@pytest.fixture
def no_backend(monkeypatch, tmp_path):
    monkeypatch.setenv("RUCIO_JUPYTERLAB_BACKEND", str(tmp_path / "missing-backend"))


def test_both_entry_points_expose_the_server_hooks():
    assert rucio_jupyterlab._jupyter_server_extension_points() == [{"module": "rucio_jupyterlab"}]
    assert rucio_jupyterlab.server._jupyter_server_extension_points() == [{"module": "rucio_jupyterlab.server"}]
    for module in (rucio_jupyterlab, rucio_jupyterlab.server):
        assert module.load_jupyter_server_extension is rucio_jupyterlab._load_jupyter_server_extension
        assert callable(module._unload_jupyter_server_extension)


def test_load_registers_one_route_and_loads_once(no_backend, tmp_path):
    async def scenario():
        serverapp = FakeServerApp(tmp_path)
        load(serverapp)
        bridge = serverapp.web_app.settings[BRIDGE_SETTING]
        load(serverapp)  # enabled under both names
        assert serverapp.web_app.settings[BRIDGE_SETTING] is bridge
        patterns = [
            rule.matcher.regex.pattern
            for host in serverapp.web_app.default_router.rules
            for rule in getattr(host.target, "rules", [])
        ]
        assert patterns == [r"/base/rucio\-jupyterlab(/.*)?$"]
        assert serverapp.scheduled == [bridge.ensure_started]
        return serverapp, bridge

    serverapp, bridge = asyncio.run(scenario())
    assert bridge.supervisor.state is BackendState.FAILED


def test_server_cleanup_stops_the_bridge_first(no_backend, tmp_path):
    async def scenario():
        serverapp = FakeServerApp(tmp_path)
        load(serverapp)
        bridge = serverapp.web_app.settings[BRIDGE_SETTING]
        await serverapp.cleanup_extensions()
        assert serverapp.cleaned_up == ["extensions"]
        assert bridge.supervisor.state is BackendState.STOPPED

    asyncio.run(scenario())


def test_unload_outside_the_event_loop_stops_synchronously(no_backend, tmp_path):
    serverapp = FakeServerApp(tmp_path)
    load(serverapp)
    assert unload(serverapp) is None
    assert serverapp.web_app.settings[BRIDGE_SETTING].supervisor.state is BackendState.STOPPED


def test_unload_on_the_event_loop_returns_an_awaitable(no_backend, tmp_path):
    async def scenario():
        serverapp = FakeServerApp(tmp_path)
        load(serverapp)
        await unload(serverapp)
        assert serverapp.web_app.settings[BRIDGE_SETTING].supervisor.state is BackendState.STOPPED

    asyncio.run(scenario())


def test_an_unusable_runtime_directory_is_reported(tmp_path, stub_backend):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    environ = {"RUCIO_JUPYTERLAB_BACKEND": stub_backend}
    bridge = create_bridge(FakeServerApp(blocker / "runtime"), logging.getLogger("test"), environ)
    message = bridge.supervisor.unavailable().message
    assert "private files" in message and "JUPYTER_RUNTIME_DIR" in message


def test_invalid_bridge_settings_fall_back_to_defaults(tmp_path, caplog):
    environ = {"RUCIO_JUPYTERLAB_BACKEND": str(tmp_path / "none"), "RUCIO_JUPYTERLAB_START_TIMEOUT": "soon"}
    with caplog.at_level(logging.ERROR):
        bridge = create_bridge(FakeServerApp(tmp_path), logging.getLogger("test.bridge"), environ)
    assert bridge.settings.start_timeout == 30
    assert "RUCIO_JUPYTERLAB_START_TIMEOUT" in caplog.text


def test_explicit_log_level_sets_the_bridge_logger(tmp_path, stub_backend):
    config = Config()
    config.RucioConfig.log_level = "error"
    logger = logging.getLogger("test.bridge.level")
    bridge = create_bridge(FakeServerApp(tmp_path, config), logger, {"RUCIO_JUPYTERLAB_BACKEND": stub_backend})
    try:
        assert logger.level == logging.ERROR
        assert bridge.supervisor.state is BackendState.STARTING
    finally:
        bridge.stop_blocking()
