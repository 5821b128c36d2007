"""Writes a user's token file: atomically, mode 0600, owned by that user.

Readers (the Rucio JupyterLab backend, the rucio CLI through ``auth_token_file_path``) read the file at
use time, so the content is replaced with ``rename``: a reader sees the old or the new token, never half
of one. When the hub runs as root and the file belongs to another user, the write happens in a child
process running as that user, so a symlink the user planted in their own home cannot make root write
anywhere else.

Run as a module (``python -m rucio_jupyterlab_hub.token_files PATH``) it writes stdin to PATH; that is
the child process.
"""

import os
import pwd
import subprocess
import sys
from dataclasses import dataclass
from typing import Optional

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
CHILD_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class FileOwner:
    uid: int
    gid: int


def system_owner(username: str) -> Optional[FileOwner]:
    """The uid/gid of the local account called ``username``, or None when there is none."""
    try:
        entry = pwd.getpwnam(username)
    except KeyError:
        return None
    return FileOwner(entry.pw_uid, entry.pw_gid)


def write_token_file(path: str, token: str, owner: Optional[FileOwner] = None) -> None:
    """Replaces ``path`` with ``token``; ``owner`` None means "whoever this process is"."""
    if not os.path.isabs(path):
        raise ValueError(f"the token file path must be absolute, not {path!r}")
    if owner is None or owner.uid == os.geteuid():
        _write_atomically(path, token)
        return
    if os.geteuid() != 0:
        raise PermissionError(
            f"cannot write a token file for uid {owner.uid} as uid {os.geteuid()}: run the hub as root, "
            "or let the single-user server fetch its token (rucio_token_delivery = 'pull')"
        )
    _write_as(owner, path, token)


def remove_token_file(path: str, owner: Optional[FileOwner] = None) -> None:
    """Deletes the token file if it exists (as ``owner`` when that is another user)."""
    if owner is None or owner.uid == os.geteuid() or os.geteuid() != 0:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        return
    subprocess.run(
        [sys.executable, "-m", __name__, "--remove", path],
        user=owner.uid,
        group=owner.gid,
        extra_groups=[],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )


def _write_as(owner: FileOwner, path: str, token: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", __name__, path],
        input=token.encode("utf-8"),
        user=owner.uid,
        group=owner.gid,
        extra_groups=[],
        capture_output=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
        # A minimal environment: the child needs nothing from the hub's (which may hold secrets).
        env={"PATH": os.defpath, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    if completed.returncode != 0:
        reason = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OSError(f"writing {path} as uid {owner.uid} failed: {reason[-1] if reason else completed.returncode}")


def _write_atomically(path: str, token: str) -> None:
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=DIRECTORY_MODE, exist_ok=True)
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    # O_EXCL|O_NOFOLLOW: never write through a file or link someone else placed there.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(token)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, FILE_MODE)  # the umask may have narrowed it further; make it exact
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def _main(argv) -> int:
    if len(argv) == 2 and argv[0] == "--remove":
        try:
            os.unlink(argv[1])
        except FileNotFoundError:
            pass
        return 0
    if len(argv) != 1:
        sys.stderr.write("usage: python -m rucio_jupyterlab_hub.token_files [--remove] PATH < token\n")
        return 2
    try:
        _write_atomically(argv[0], sys.stdin.read())
    except OSError as error:
        sys.stderr.write(f"{error.strerror or error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
