"""Entry point for configurations written for the previous Python extension.

They enable ``{"ServerApp": {"jpserver_extensions": {"rucio_jupyterlab.server": true}}}``;
this module offers the same hooks as the package itself.
"""

from typing import Dict, List

from . import _load_jupyter_server_extension, _unload_jupyter_server_extension


def _jupyter_server_extension_points() -> List[Dict[str, str]]:
    return [{"module": "rucio_jupyterlab.server"}]


load_jupyter_server_extension = _load_jupyter_server_extension

__all__ = [
    "_jupyter_server_extension_points",
    "_load_jupyter_server_extension",
    "_unload_jupyter_server_extension",
    "load_jupyter_server_extension",
]
