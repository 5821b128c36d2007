"""Drives real Jupyter kernels through jupyter_client, the way a frontend does.

Every wait polls a message queue against a deadline; nothing sleeps. All iopub traffic that
belongs to a request (the kernel stamps it with the request's msg_id as parent) is collected until
the kernel reports itself idle for that request.
"""

import json
import os
import queue
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from jupyter_client.manager import start_new_kernel

JUPYTER_DIR = Path(__file__).resolve().parents[2]
VECTORS_FILE = Path(__file__).resolve().parent / "vectors.json"
R_EXECUTABLE = shutil.which("R", path="/usr/bin:/usr/local/bin")
DEFAULT_TIMEOUT = 30.0


@dataclass
class Exchange:
    """What a kernel published (iopub) and replied (shell) for one request."""

    reply: Optional[Dict[str, Any]] = None
    messages: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> Optional[str]:
        return None if self.reply is None else self.reply["content"]["status"]

    @property
    def stdout(self) -> str:
        return "".join(m["content"]["text"] for m in self._of("stream") if m["content"]["name"] == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(m["content"]["text"] for m in self._of("stream") if m["content"]["name"] == "stderr")

    @property
    def error(self) -> Optional[Dict[str, Any]]:
        """The error as ename/evalue, from the reply or, failing that, from an iopub error message."""
        if self.reply is not None and self.reply["content"]["status"] == "error":
            return self.reply["content"]
        errors = self._of("error")
        return errors[0]["content"] if errors else None

    @property
    def visible_outputs(self) -> List[Dict[str, Any]]:
        kinds = ("stream", "display_data", "execute_result", "error", "execute_input")
        return [m for m in self.messages if m["msg_type"] in kinds]

    def comm_messages(self, msg_type: Optional[str] = None) -> List[Dict[str, Any]]:
        types = (msg_type,) if msg_type else ("comm_open", "comm_msg", "comm_close")
        return [m["content"] for m in self.messages if m["msg_type"] in types]

    def _of(self, msg_type: str) -> List[Dict[str, Any]]:
        return [m for m in self.messages if m["msg_type"] == msg_type]


class KernelSession:
    def __init__(self, kernel_name: str, cwd: Path, env: Dict[str, str], log_file: Path) -> None:
        self.cwd = cwd
        self._log = open(log_file, "ab")
        try:
            self.km, self.kc = start_new_kernel(
                startup_timeout=60, kernel_name=kernel_name, env=env, cwd=str(cwd),
                stdout=self._log, stderr=self._log)
        except BaseException:
            self._log.close()
            raise

    # --- requests ------------------------------------------------------------------------------

    def execute(self, code: str, silent: bool = False, store_history: bool = True,
                timeout: float = DEFAULT_TIMEOUT) -> Exchange:
        msg_id = self.kc.execute(code, silent=silent, store_history=store_history,
                                 allow_stdin=False, stop_on_error=False)
        return self._exchange(msg_id, timeout, expect_reply=True)

    def run(self, code: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Executes visibly, asserts success, returns stdout."""
        exchange = self.execute(code, timeout=timeout)
        assert exchange.status == "ok", f"kernel error: {exchange.error}\n--- code ---\n{code}"
        return exchange.stdout

    def open_comm(self, target: str, data: Optional[Dict[str, Any]] = None,
                  timeout: float = DEFAULT_TIMEOUT) -> "CommHandle":
        comm_id = uuid.uuid4().hex
        msg_id = self._send("comm_open", {"comm_id": comm_id, "target_name": target, "data": data or {}})
        return CommHandle(self, comm_id, self._exchange(msg_id, timeout, expect_reply=False))

    def send_comm(self, comm_id: str, data: Dict[str, Any], timeout: float = DEFAULT_TIMEOUT) -> Exchange:
        msg_id = self._send("comm_msg", {"comm_id": comm_id, "data": data})
        return self._exchange(msg_id, timeout, expect_reply=False)

    def close_comm(self, comm_id: str, timeout: float = DEFAULT_TIMEOUT) -> Exchange:
        msg_id = self._send("comm_close", {"comm_id": comm_id, "data": {}})
        return self._exchange(msg_id, timeout, expect_reply=False)

    def restart(self, timeout: float = 60.0) -> None:
        self.km.restart_kernel(now=True)
        self.kc.wait_for_ready(timeout=timeout)

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)
        finally:
            self._log.close()

    # --- plumbing --------------------------------------------------------------------------------

    def _send(self, msg_type: str, content: Dict[str, Any]) -> str:
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def _exchange(self, msg_id: str, timeout: float, expect_reply: bool) -> Exchange:
        deadline = time.monotonic() + timeout
        exchange = Exchange()
        while True:
            message = self._next(self.kc.get_iopub_msg, deadline, msg_id)
            if message["parent_header"].get("msg_id") != msg_id:
                continue  # traffic of an earlier request (e.g. its trailing idle status)
            exchange.messages.append(message)
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        while expect_reply and exchange.reply is None:
            message = self._next(self.kc.get_shell_msg, deadline, msg_id)
            if message["parent_header"].get("msg_id") == msg_id:
                exchange.reply = message
        return exchange

    @staticmethod
    def _next(get, deadline: float, msg_id: str) -> Dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"the kernel did not finish request {msg_id} in time")
        try:
            return get(timeout=remaining)
        except queue.Empty:
            raise AssertionError(f"the kernel did not finish request {msg_id} in time") from None


@dataclass
class CommHandle:
    session: KernelSession
    comm_id: str
    opened: Exchange

    def send(self, data: Dict[str, Any]) -> Exchange:
        return self.session.send_comm(self.comm_id, data)

    def close(self) -> Exchange:
        return self.session.close_comm(self.comm_id)

    @property
    def closed_by_kernel(self) -> bool:
        return any(c["comm_id"] == self.comm_id for c in self.opened.comm_messages("comm_close"))


def replies_on(exchange: Exchange, comm_id: str) -> List[Dict[str, Any]]:
    """The data of every comm_msg the kernel sent on `comm_id` while handling the request."""
    return [c["data"] for c in exchange.comm_messages("comm_msg") if c["comm_id"] == comm_id]


def kernel_env(extra: Dict[str, str]) -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(JUPYTER_DIR), env.get("PYTHONPATH", "")) if p)
    # Paths in these tests are not ASCII; both kernels must see them as UTF-8.
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # keep the source tree free of __pycache__
    env.update(extra)
    return env


def load_vectors() -> Dict[str, Any]:
    with open(VECTORS_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def inject_message(*entries: Dict[str, Any], request_id: Optional[str] = None) -> Dict[str, Any]:
    message: Dict[str, Any] = {"action": "inject", "dids": list(entries)}
    if request_id is not None:
        message["requestId"] = request_id
    return message


def file_entry(name: str, did: str, path: Optional[str], pfn: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
    entry: Dict[str, Any] = {"type": "file", "variableName": name, "did": did, "didAvailable": path is not None,
                             "files": None if path is None else [{"path": path, "pfn": pfn}]}
    entry.update(extra)
    return entry


def collection_entry(name: str, did: str, files: Optional[List[Dict[str, Any]]], **extra: Any) -> Dict[str, Any]:
    entry: Dict[str, Any] = {"type": "collection", "variableName": name, "did": did,
                             "didAvailable": files is not None, "files": files}
    entry.update(extra)
    return entry


# Hostile inputs: each would create a "pwned-*" file in the kernel's working directory if any part
# of it were ever executed (by Python, R or a shell). Tests assert that no such file appears.
HOSTILE_PYTHON_NAME = "x; import os; os.system('touch pwned-name')"
HOSTILE_R_NAME = 'x <- 1; system("touch pwned-name"); y'
HOSTILE_DID = 'user.root:"); system("touch pwned-did"); __import__("os").system("touch pwned-did-py"); ("'
HOSTILE_PFN = "root://eos.example:1094//eos/\"c\"/\\u{0022}); system(\"touch pwned-pfn\"); '$(touch pwned-pfn-sh)"
HOSTILE_STATUS = 'REPLICATING"); system("touch pwned-status'
HOSTILE_ERROR = "quota exceeded\n\"); system(\"touch pwned-error\"); #"
# A real file name (Linux allows everything but "/" and NUL) that is hostile in every quoting style.
HOSTILE_FILE_NAME = ("q\"uote's $(touch pwned-path) `touch pwned-tick` back\\slash\\\"); system(\"touch pwned-esc\")"
                     "\nnewline\ttab \u00e9 \u4e2d\u6587 \U0001F600 \u202e.dat")

FIRST_FILE_BYTES = "first file: line one\nline two \u00e9\n".encode("utf-8")
SECOND_FILE_BYTES = b"second file\n"
HOSTILE_FILE_BYTES = b"hostile but harmless\n"


def pwned_markers(directory: Path) -> List[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("pwned"))
