"""Bridge tuning knobs read from the environment.

The Rucio configuration itself (``RucioConfig``) belongs to the backend; these
settings only govern how the bridge runs and supervises it, so operators can
adjust them without touching Jupyter's configuration files.
"""

import math
import os
from dataclasses import dataclass
from typing import Mapping

ENV_BACKEND = "RUCIO_JUPYTERLAB_BACKEND"
ENV_DOTNET = "RUCIO_JUPYTERLAB_DOTNET"
ENV_DATA_DIR = "RUCIO_JUPYTERLAB_DATA_DIR"
ENV_START_TIMEOUT = "RUCIO_JUPYTERLAB_START_TIMEOUT"
ENV_STOP_GRACE = "RUCIO_JUPYTERLAB_STOP_GRACE"
ENV_RESTART_BACKOFF = "RUCIO_JUPYTERLAB_RESTART_BACKOFF"
ENV_MAX_RAPID_FAILURES = "RUCIO_JUPYTERLAB_MAX_RAPID_FAILURES"
ENV_REQUEST_TIMEOUT = "RUCIO_JUPYTERLAB_REQUEST_TIMEOUT"


@dataclass(frozen=True)
class BridgeSettings:
    """How the backend is started, waited for, restarted and stopped."""

    start_timeout: float = 30.0
    """Seconds a freshly started backend has to answer ``GET /_health``."""

    stop_grace: float = 5.0
    """Seconds between SIGTERM and SIGKILL when stopping the backend."""

    restart_backoff: float = 1.0
    """Delay before the first restart; doubles per consecutive failure."""

    max_restart_backoff: float = 30.0

    max_rapid_failures: int = 5
    """Consecutive failed starts or early crashes after which the bridge gives up."""

    stable_after: float = 60.0
    """A backend that stayed up this long has its failure count reset."""

    request_timeout: float = 6 * 3600.0
    """Upper bound for one proxied request; long because responses may stream."""

    connect_timeout: float = 10.0

    request_wait: float = 10.0
    """How long a request waits for a backend that is still starting before a 503."""

    max_clients: int = 128
    """Concurrent upstream requests; tornado's default of 10 would queue long streams."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> "BridgeSettings":
        defaults = cls()
        return cls(
            start_timeout=_positive_float(environ, ENV_START_TIMEOUT, defaults.start_timeout),
            stop_grace=_positive_float(environ, ENV_STOP_GRACE, defaults.stop_grace),
            restart_backoff=_positive_float(environ, ENV_RESTART_BACKOFF, defaults.restart_backoff),
            max_rapid_failures=int(
                _positive_float(environ, ENV_MAX_RAPID_FAILURES, defaults.max_rapid_failures)
            ),
            request_timeout=_positive_float(environ, ENV_REQUEST_TIMEOUT, defaults.request_timeout),
        )


def default_data_dir(environ: Mapping[str, str]) -> str:
    """Where the backend keeps state that must survive restarts (credentials, caches)."""
    configured = environ.get(ENV_DATA_DIR, "").strip()
    if configured:
        return os.path.abspath(os.path.expanduser(configured))
    # Same location as the Python extension we replace, so operators find it where they expect.
    return os.path.join(os.path.expanduser("~"), ".rucio_jupyterlab")


def _positive_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds or a count, got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be greater than zero, got {raw!r}")
    return value
