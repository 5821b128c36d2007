"""Rucio JupyterLab: a thin jupyter-server extension in front of the C# backend.

All Rucio logic lives in the backend (``Rucio.JupyterLab.Server``). This package
starts and supervises it and forwards authenticated ``/rucio-jupyterlab/*``
requests to it over a private Unix socket. Enable it with
``{"ServerApp": {"jpserver_extensions": {"rucio_jupyterlab": true}}}``.
"""

from typing import Any, Dict, List

__version__ = "0.1.0"


def _jupyter_server_extension_points() -> List[Dict[str, str]]:
    return [{"module": "rucio_jupyterlab"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    # Imported here so that importing the package (e.g. for the kernel extension) stays cheap.
    from .extension import load

    load(serverapp)


def _unload_jupyter_server_extension(serverapp: Any) -> Any:
    from .extension import unload

    return unload(serverapp)


# The name older servers (and notebook < 7) look for.
load_jupyter_server_extension = _load_jupyter_server_extension
