"""Process, HTTP and /proc helpers for the local JupyterHub test (deploy/hub/hub_test.py)."""

import base64
import json
import os
import signal
import socket
import subprocess
import time
from typing import Callable, Dict, Iterable, List, Optional, TypeVar

import requests

T = TypeVar("T")


class CheckFailed(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, probe: Callable[[], Optional[T]], timeout_s: float, interval_s: float = 0.25) -> T:
    """Polls ``probe`` until it returns something truthy; fails with ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    last_error: Optional[Exception] = None
    while True:
        try:
            result = probe()
            if result:
                return result
        except (requests.RequestException, OSError, ValueError, KeyError) as error:
            last_error = error
        if time.monotonic() >= deadline:
            suffix = f" (last error: {last_error})" if last_error else ""
            raise CheckFailed(f"timed out after {timeout_s:.0f}s waiting for {what}{suffix}")
        time.sleep(interval_s)


def start_process(argv: List[str], log_path: str, env: Dict[str, str], cwd: str) -> subprocess.Popen:
    """Starts ``argv`` in its own session (so the whole group can be stopped), output to ``log_path``."""
    log = open(log_path, "ab")
    try:
        return subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd, start_new_session=True
        )
    finally:
        log.close()


def stop_process_group(process: subprocess.Popen, grace_s: float = 15.0) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def _parent_of(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid: int) -> List[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [part.decode("utf-8", "replace") for part in f.read().split(b"\0") if part]
    except OSError:
        return []


def descendants_matching(ancestor: int, needle: str) -> List[int]:
    """Living processes below ``ancestor`` whose command line mentions ``needle``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if not any(needle in part for part in _cmdline(pid)) or not pid_alive(pid):
            continue
        parent = _parent_of(pid)
        while parent and parent > 1:
            if parent == ancestor:
                found.append(pid)
                break
            parent = _parent_of(parent)
    return found


def jwt_claims(token: str) -> Dict[str, object]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def secrets_found_in(paths: Iterable[str], secrets: Iterable[str]) -> List[str]:
    """Which of ``paths`` contain any of ``secrets`` (never prints the secret itself)."""
    hits = []
    wanted = [s.encode() for s in secrets if s]
    for path in paths:
        try:
            with open(path, "rb") as f:
                content = f.read()
        except OSError:
            continue
        if any(secret in content for secret in wanted):
            hits.append(path)
    return hits
