"""How one backend process is launched, signalled and described."""

import os
import signal
from dataclasses import dataclass, field
from typing import List, Mapping, Optional

from .config import RuntimeFiles

# Jupyter's own credentials; the backend must never be able to act as the user in Jupyter.
_PRIVATE_ENVIRONMENT = frozenset({"JUPYTER_TOKEN", "JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN"})


@dataclass(frozen=True)
class LaunchSpec:
    """Everything needed to run the backend once."""

    command: List[str]
    runtime: RuntimeFiles
    data_dir: str
    root_dir: str
    log_level: str
    environment: Mapping[str, str]
    known_secrets: tuple = field(default=())
    """Values to mask in the backend's relayed output (Jupyter's token, secrets in RucioConfig)."""

    def argv(self) -> List[str]:
        return [
            *self.command,
            "--socket", self.runtime.socket_path,
            "--config", self.runtime.config_path,
            "--data-dir", self.data_dir,
            "--root-dir", self.root_dir,
            "--log-level", self.log_level,
        ]

    def child_environment(self) -> dict:
        return {
            name: value
            for name, value in self.environment.items()
            if name not in _PRIVATE_ENVIRONMENT
            and not (name.startswith("JUPYTERHUB_") and ("TOKEN" in name or "SECRET" in name))
        }


def signal_group(pid: int, sig: int) -> None:
    """Signals the backend's whole process group (it leads it), ignoring a group already gone."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def alive(pid: int) -> bool:
    """Whether `pid` still runs, without reaping it (asyncio's child watcher owns that)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # An exited but not yet reaped process still answers signal 0; it is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def describe_exit(returncode: Optional[int]) -> str:
    if returncode is None:
        return "is still running"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"
