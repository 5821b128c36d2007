"""Turns Jupyter's ``RucioConfig`` section into the private files the backend reads.

Jupyter resolves ``RucioConfig`` from every config source (JSON and Python
files, ``/etc/jupyter``, command-line flags). The bridge does not interpret it
beyond ``log_level``: it converts the traitlets containers into plain JSON and
hands them to the backend through a file only the current user can read,
because the section may hold credentials paths or tokens.
"""

import json
import logging
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any, Mapping, Optional

try:
    from traitlets.config.loader import LazyConfigValue
except ImportError:  # pragma: no cover - every supported traitlets has it
    LazyConfigValue = None  # type: ignore[assignment,misc]

try:
    # Values given on the command line for classes traitlets does not know stay unparsed strings.
    from traitlets.config.loader import DeferredConfigList, DeferredConfigString
except ImportError:  # pragma: no cover - traitlets < 5 has no deferred values
    DeferredConfigList = DeferredConfigString = None  # type: ignore[assignment,misc]

SECTION = "RucioConfig"
CONFIG_FILE_NAME = "rucio-config.json"
SOCKET_FILE_NAME = "backend.sock"

# sockaddr_un.sun_path holds 108 bytes on Linux including the terminating NUL; stay well below it.
_MAX_SOCKET_PATH_BYTES = 100

_LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
DEFAULT_LOG_LEVEL = "warning"


def rucio_config_from(server_config: Mapping[str, Any]) -> dict:
    """Returns the ``RucioConfig`` section of a traitlets config as plain JSON-compatible data."""
    section = server_config.get(SECTION, None)
    if section is None:
        return {}
    plain = to_plain_json(section)
    if not isinstance(plain, dict):
        raise ValueError(f"{SECTION} must be an object, got {type(plain).__name__}")
    return plain


def to_plain_json(value: Any) -> Any:
    """Converts traitlets containers (Config, lazy and deferred values) to dict/list/scalars."""
    if LazyConfigValue is not None and isinstance(value, LazyConfigValue):
        return to_plain_json(_resolve_lazy(value))
    if DeferredConfigString is not None and isinstance(value, DeferredConfigString):
        return _parse_deferred(str(value))
    if DeferredConfigList is not None and isinstance(value, DeferredConfigList):
        return [_parse_deferred(str(item)) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_plain_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_plain_json(item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        # JSON has no NaN or infinity.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return str(value)
    # Anything exotic (paths, enums) is passed as text rather than failing the whole server.
    return str(value)


def _resolve_lazy(value: "LazyConfigValue") -> Any:
    # A lazy value records operations (append, update, …) to apply to a default we do not have;
    # applying them to an empty container of the right kind gives what the user wrote.
    operations = value.to_dict()
    if "update" in operations:
        update = operations["update"]
        return value.get_value(set() if isinstance(update, (set, frozenset)) else {})
    return value.get_value([])


def _parse_deferred(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def log_level_from(rucio_config: Mapping[str, Any]) -> tuple:
    """Returns ``(name, logging level, problem)`` for ``RucioConfig.log_level``.

    ``problem`` is a message when the configured value is invalid; the default applies then.
    """
    raw = rucio_config.get("log_level")
    if raw is None or raw == "":
        return DEFAULT_LOG_LEVEL, _LOG_LEVELS[DEFAULT_LOG_LEVEL], None
    name = str(raw).strip().lower()
    if name in _LOG_LEVELS:
        canonical = "warning" if name == "warn" else name
        return canonical, _LOG_LEVELS[name], None
    problem = (
        f"{SECTION}.log_level {str(raw)!r} is not one of debug, info, warning, error, critical; "
        f"using {DEFAULT_LOG_LEVEL!r}"
    )
    return DEFAULT_LOG_LEVEL, _LOG_LEVELS[DEFAULT_LOG_LEVEL], problem


@dataclass
class RuntimeFiles:
    """The private per-server directory holding the backend's config file and socket."""

    directory: str
    config_path: str
    socket_path: str
    socket_directory: Optional[str] = None
    """Set when the socket had to live outside ``directory`` because the path was too long."""

    @classmethod
    def create(cls, runtime_dir: str, rucio_config: Mapping[str, Any]) -> "RuntimeFiles":
        os.makedirs(runtime_dir, mode=0o700, exist_ok=True)
        # mkdtemp creates the directory 0700 atomically and unique per call (and so per server).
        directory = tempfile.mkdtemp(prefix=f"rucio-jupyterlab-{os.getpid()}-", dir=runtime_dir)
        try:
            config_path = os.path.join(directory, CONFIG_FILE_NAME)
            _write_private_json(config_path, {SECTION: dict(rucio_config)})
            socket_path = os.path.join(directory, SOCKET_FILE_NAME)
            socket_directory = None
            if len(os.fsencode(socket_path)) > _MAX_SOCKET_PATH_BYTES:
                socket_directory = tempfile.mkdtemp(prefix="rucio-jupyterlab-")
                socket_path = os.path.join(socket_directory, SOCKET_FILE_NAME)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return cls(directory, config_path, socket_path, socket_directory)

    def remove_stale_socket(self) -> None:
        """A backend killed hard leaves its socket file behind, which would make the next bind fail."""
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        if self.socket_directory:
            shutil.rmtree(self.socket_directory, ignore_errors=True)


def _write_private_json(path: str, payload: Any) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True)
        handle.write("\n")
