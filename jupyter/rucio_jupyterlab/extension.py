"""Wires the bridge into a running Jupyter server: configuration, backend, route, shutdown."""

import asyncio
import atexit
import inspect
import logging
import os
import re
from typing import Any, Mapping, Optional

from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPRequest
from tornado.ioloop import IOLoop

from .backend_locator import BackendNotFound, locate_backend
from .config import RuntimeFiles, log_level_from, rucio_config_from
from .proxy import BackendProxyHandler
from .redaction import secrets_in_config
from .settings import BridgeSettings, default_data_dir
from .supervisor import BackendSupervisor, LaunchSpec
from .unix_http import BACKEND_ORIGIN, UnixSocketHTTPClient, create_client

BRIDGE_SETTING = "rucio_jupyterlab_bridge"
ROUTE = "rucio-jupyterlab"


class Bridge:
    """One per Jupyter server: the supervised backend and the client that talks to it."""

    def __init__(self, settings: BridgeSettings, log: logging.Logger) -> None:
        self.settings = settings
        self.log = log
        self.socket_path: Optional[str] = None
        self.supervisor: BackendSupervisor
        self._client: Optional[UnixSocketHTTPClient] = None
        self._started = False

    @property
    def client(self) -> UnixSocketHTTPClient:
        # Created on first use, on the event loop, because tornado clients bind to the current loop.
        if self._client is None:
            assert self.socket_path is not None, "no backend socket: the backend never started"
            self._client = create_client(self.socket_path, self.settings.max_clients)
        return self._client

    async def backend_healthy(self) -> bool:
        request = HTTPRequest(BACKEND_ORIGIN + "/_health", connect_timeout=1.0, request_timeout=2.0)
        try:
            response = await self.client.fetch(request, raise_error=False)
        except Exception:  # not listening yet, or just died
            return False
        return response.code == 200

    def ensure_started(self) -> None:
        """Starts supervision once; called on the event loop at startup and by the first request.

        The request-time call covers servers whose event loop at extension-load time is not the
        one that ends up running.
        """
        if not self._started:
            self._started = True
            self.supervisor.start()

    async def stop(self) -> None:
        await self.supervisor.stop()
        if self._client is not None:
            self._client.close()
            self._client = None

    def stop_blocking(self) -> None:
        self.supervisor.stop_blocking()


def load(serverapp: Any) -> None:
    """Registers the route and starts the backend once the server's event loop runs."""
    web_app = serverapp.web_app
    if BRIDGE_SETTING in web_app.settings:
        # Enabled under both its names (rucio_jupyterlab and rucio_jupyterlab.server).
        serverapp.log.info("rucio_jupyterlab is enabled more than once; it is loaded only once")
        return
    log = serverapp.log.getChild("rucio_jupyterlab")
    bridge = create_bridge(serverapp, log, os.environ)
    web_app.settings[BRIDGE_SETTING] = bridge

    base_url = web_app.settings.get("base_url", "/")
    route = url_path_join(base_url, ROUTE)
    web_app.add_handlers(".*$", [(re.escape(route) + r"(/.*)?", BackendProxyHandler, {"bridge": bridge})])
    _hook_shutdown(serverapp, bridge, log)

    io_loop = getattr(serverapp, "io_loop", None) or IOLoop.current()
    io_loop.add_callback(bridge.ensure_started)
    log.info("Rucio JupyterLab bridge registered at %s", route)


def unload(serverapp: Any) -> Any:
    """Stops the backend; returns an awaitable when the event loop is still running."""
    bridge = serverapp.web_app.settings.get(BRIDGE_SETTING)
    if bridge is None:
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        bridge.stop_blocking()
        return None
    return asyncio.ensure_future(bridge.stop())


def create_bridge(serverapp: Any, log: logging.Logger, environ: Mapping[str, str]) -> Bridge:
    """Builds the bridge; any configuration problem becomes a backend that answers 503 with it."""
    try:
        settings = BridgeSettings.from_environ(environ)
    except ValueError as error:
        log.error("Ignoring invalid bridge setting: %s", error)
        settings = BridgeSettings()
    bridge = Bridge(settings, log)

    launch: Optional[LaunchSpec] = None
    launch_error: Optional[str] = None
    try:
        launch = _launch_spec(serverapp, log, environ)
    except BackendNotFound as error:
        launch_error = str(error)
    except ValueError as error:
        launch_error = f"The Jupyter configuration is invalid for the Rucio JupyterLab extension: {error}."
    except OSError as error:
        launch_error = (
            f"Could not prepare the Rucio JupyterLab backend's private files in "
            f"{serverapp.runtime_dir}: {error.strerror or error}. Check that the Jupyter runtime "
            "directory (JUPYTER_RUNTIME_DIR) exists and is writable."
        )
    if launch is not None:
        bridge.socket_path = launch.runtime.socket_path
    bridge.supervisor = BackendSupervisor(launch, launch_error, settings, log, bridge.backend_healthy)
    return bridge


def _launch_spec(serverapp: Any, log: logging.Logger, environ: Mapping[str, str]) -> LaunchSpec:
    rucio_config = rucio_config_from(serverapp.config)
    level_name, level, problem = log_level_from(rucio_config)
    if "log_level" in rucio_config:
        # Only an explicit RucioConfig.log_level overrides the server's own verbosity for the bridge.
        log.setLevel(level)
    if problem:
        log.warning("%s", problem)

    command = locate_backend(environ)
    log.info("Using the %s Rucio JupyterLab backend: %s", command.origin, " ".join(command.argv))
    runtime = RuntimeFiles.create(serverapp.runtime_dir, rucio_config)
    root_dir = getattr(serverapp, "root_dir", None) or getattr(serverapp, "notebook_dir", None) or os.getcwd()
    # jupyter-server 2 keeps the token on its identity provider (ServerApp.token is deprecated there).
    identity_provider = getattr(serverapp, "identity_provider", None)
    token = getattr(identity_provider, "token", None) or getattr(serverapp, "token", "") or ""
    return LaunchSpec(
        command=command.argv,
        runtime=runtime,
        data_dir=default_data_dir(environ),
        root_dir=os.path.abspath(os.path.expanduser(root_dir)),
        log_level=level_name,
        environment=dict(environ),
        known_secrets=tuple([token, *secrets_in_config(rucio_config, environ)]),
    )


def _hook_shutdown(serverapp: Any, bridge: Bridge, log: logging.Logger) -> None:
    # jupyter-server 1.x only calls shutdown hooks of ExtensionApp subclasses; both 1.x and 2.x run
    # `cleanup_extensions` from their cleanup on SIGTERM, /api/shutdown and the idle culler.
    original = getattr(serverapp, "cleanup_extensions", None)
    if original is not None and inspect.iscoroutinefunction(original):

        async def cleanup_extensions_and_backend(*args: Any, **kwargs: Any) -> Any:
            try:
                await bridge.stop()
            except Exception:
                log.exception("Stopping the Rucio JupyterLab backend failed")
            return await original(*args, **kwargs)

        serverapp.cleanup_extensions = cleanup_extensions_and_backend
    # Last resort when the server exits without its cleanup (e.g. a second Ctrl-C).
    atexit.register(bridge.stop_blocking)
