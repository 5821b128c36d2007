"""The comm protocol between the notebook frontend and an IPython kernel.

* Frontend -> kernel: the frontend opens a comm to ``rucio-jupyterlab:kernel`` and sends an
  inject request, either as the open message's data or as a message on the opened comm (the
  existing frontend does the latter). The kernel answers ``ack-inject`` on the same comm.
* Kernel -> frontend: only on demand (:meth:`KernelBridge.request_injection`), the kernel opens
  ``rucio-jupyterlab:frontend`` and sends ``request-inject``; the frontend answers with an inject
  request on that comm. Opening it at load time, as the existing extension does, races the
  frontend's target registration, so it is opened lazily and reopened if the frontend closed it.

Paths and DIDs only ever become values (never code); names are checked with the Python rule.
"""

import logging
from typing import Any, Callable, Dict, Optional

from ..names import check_python_name
from ..protocol import (ACTION_ACK_INJECT, ACTION_INJECT, ACTION_REQUEST_INJECT, COMM_TARGET_FRONTEND,
                        COMM_TARGET_KERNEL, TYPE_FILE, Attachment, ProtocolError, parse_inject_request)
from .types import RucioCollection, RucioFile, UnavailableDID

CommFactory = Callable[[str, Dict[str, Any]], Any]


def build_value(attachment: Attachment) -> Any:
    """The object a validated attachment becomes in the user namespace."""
    if not attachment.available:
        return UnavailableDID(attachment.did, attachment.type, attachment.variable_name,
                              attachment.unavailable_message(), attachment.status, attachment.error,
                              attachment.mode)
    if attachment.type == TYPE_FILE:
        (file,) = attachment.files
        return RucioFile(file.path, file.pfn, file.did or attachment.did, attachment.mode)
    return RucioCollection((RucioFile(file.path, file.pfn, file.did, attachment.mode) for file in attachment.files),
                           attachment.did, attachment.mode)


def inject(shell: Any, message: Any) -> Dict[str, Any]:
    """Defines the variables of an inject request in `shell`'s namespace; returns the ack."""
    try:
        request = parse_inject_request(message, check_python_name)
    except ProtocolError as problem:
        return {"action": ACTION_ACK_INJECT, "variable_names": [], "rejected": [], "error": str(problem)}
    values = {attachment.variable_name: build_value(attachment) for attachment in request.attachments}
    if values:
        # push() replaces earlier values, which is how Replicating -> Available reaches the user.
        shell.push(values)
    reply: Dict[str, Any] = {
        "action": ACTION_ACK_INJECT,
        "variable_names": request.variable_names,
        "rejected": [rejection.to_json() for rejection in request.rejections],
    }
    if request.request_id is not None:
        reply["requestId"] = request.request_id
    return reply


class KernelBridge:
    """Owns the comm target and the lazily opened outgoing comm of one kernel."""

    def __init__(self, shell: Any, comm_manager: Any, open_comm: CommFactory,
                 log: Optional[logging.Logger] = None) -> None:
        self._shell = shell
        self._comm_manager = comm_manager
        self._open_comm = open_comm
        self._log = log or logging.getLogger(__name__)
        self._frontend_comm: Any = None
        self._active = False

    def register(self) -> None:
        self._comm_manager.register_target(COMM_TARGET_KERNEL, self._on_comm_open)
        self._active = True

    def unregister(self) -> None:
        self._active = False
        try:
            self._comm_manager.unregister_target(COMM_TARGET_KERNEL, self._on_comm_open)
        except KeyError:
            pass  # already gone, e.g. replaced by another registration
        comm, self._frontend_comm = self._frontend_comm, None
        if comm is not None:
            comm.close()

    def request_injection(self) -> None:
        """Asks the frontend to send the notebook's attachments again (answered asynchronously)."""
        if not self._active:
            raise RuntimeError("the Rucio kernel extension is not loaded")
        if self._frontend_comm is None:
            comm = self._open_comm(COMM_TARGET_FRONTEND, {})
            comm.on_msg(lambda msg: self._receive(comm, msg))
            comm.on_close(lambda _msg: self._forget(comm))
            self._frontend_comm = comm
        self._frontend_comm.send({"action": ACTION_REQUEST_INJECT})

    def _forget(self, comm: Any) -> None:
        if self._frontend_comm is comm:
            self._frontend_comm = None

    def _on_comm_open(self, comm: Any, open_msg: Dict[str, Any]) -> None:
        comm.on_msg(lambda msg: self._receive(comm, msg))
        data = _data_of(open_msg)
        if data.get("action") is not None:
            self._handle(comm, data)

    def _receive(self, comm: Any, msg: Dict[str, Any]) -> None:
        self._handle(comm, _data_of(msg))

    def _handle(self, comm: Any, data: Dict[str, Any]) -> None:
        if not self._active:
            return
        action = data.get("action")
        if action != ACTION_INJECT:
            self._log.warning("Rucio kernel extension: ignoring a comm message with unknown action")
            return
        try:
            reply = inject(self._shell, data)
        except Exception as unexpected:  # noqa: BLE001 - the frontend must always get an answer
            # Only the type: the request's paths and PFNs (possibly signed URLs) stay out of logs.
            self._log.error("Rucio kernel extension: injection failed with %s", type(unexpected).__name__)
            reply = {"action": ACTION_ACK_INJECT, "variable_names": [], "rejected": [],
                     "error": f"injection failed in the kernel ({type(unexpected).__name__})"}
        rejected = reply.get("rejected") or []
        if rejected:
            self._log.warning("Rucio kernel extension: rejected %d attachment(s)", len(rejected))
        comm.send(reply)


def _data_of(msg: Any) -> Dict[str, Any]:
    content = msg.get("content") if isinstance(msg, dict) else None
    data = content.get("data") if isinstance(content, dict) else None
    return data if isinstance(data, dict) else {}
