"""IPython kernel extension: DIDs attached to the notebook become variables in the kernel.

Load it with ``%load_ext rucio_jupyterlab.kernels.ipython``, or for every kernel with
``c.IPKernelApp.extensions = ['rucio_jupyterlab.kernels.ipython']`` in ``ipython_kernel_config.py``.
Loading registers the comm target ``rucio-jupyterlab:kernel`` and nothing else: no comm is opened
and nothing is put into the user namespace until the frontend injects attachments.

:func:`resolve_dids` (import it from this module; it is not pushed into the namespace) asks the
frontend to send the notebook's attachments again.
"""

import logging
import sys
from typing import Any, Optional

from .bridge import CommFactory, KernelBridge
from .types import DIDNotAvailableError, DIDNotAvailableException, RucioCollection, RucioFile, UnavailableDID

__all__ = [
    "DIDNotAvailableError",
    "DIDNotAvailableException",
    "RucioCollection",
    "RucioFile",
    "UnavailableDID",
    "load_ipython_extension",
    "resolve_dids",
    "unload_ipython_extension",
]

_bridge: Optional[KernelBridge] = None


def _comm_factory() -> CommFactory:
    try:
        # Present in ipykernel 6 and 7; a primary Comm publishes its comm_open on creation.
        from ipykernel.comm import Comm
    except ImportError:
        from comm import create_comm  # kernels built on the standalone `comm` package

        return lambda target, data: create_comm(target_name=target, data=data)
    return lambda target, data: Comm(target_name=target, data=data)


def load_ipython_extension(ipython: Any) -> None:
    global _bridge
    kernel = getattr(ipython, "kernel", None)
    comm_manager = getattr(kernel, "comm_manager", None)
    if comm_manager is None:
        # A terminal IPython has no frontend to attach DIDs; say so instead of failing later.
        print("rucio_jupyterlab.kernels.ipython needs a Jupyter kernel (ipykernel); nothing was loaded.",
              file=sys.stderr)
        return
    if _bridge is not None:
        _bridge.unregister()
    log = getattr(kernel, "log", None)
    _bridge = KernelBridge(ipython, comm_manager, _comm_factory(),
                           log if isinstance(log, logging.Logger) else None)
    _bridge.register()


def unload_ipython_extension(ipython: Any) -> None:
    """Unregisters the comm target and closes the outgoing comm; attached variables stay."""
    global _bridge
    bridge, _bridge = _bridge, None
    if bridge is not None:
        bridge.unregister()


def resolve_dids() -> None:
    """Asks the frontend to inject this notebook's attachments again.

    The frontend's answer is handled after the current cell finishes (the kernel runs one request
    at a time), so the variables are updated for the next cell, not within this one.
    """
    if _bridge is None:
        raise RuntimeError("The Rucio kernel extension is not loaded; run "
                           "%load_ext rucio_jupyterlab.kernels.ipython first.")
    _bridge.request_injection()

