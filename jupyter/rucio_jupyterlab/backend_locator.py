"""Finds the C# backend and the command line that runs it.

Resolution order:

1. ``$RUCIO_JUPYTERLAB_BACKEND``: an executable, or a ``.dll`` run with ``dotnet``;
2. the self-contained executable packaged at ``rucio_jupyterlab/backend/``;
3. the build output of a source checkout (``src/Rucio.JupyterLab.Server/bin/…``).

Failures carry a message meant for the person who has to fix the installation.
"""

import os
import shutil
from dataclasses import dataclass
from typing import Callable, List, Mapping, Optional, Sequence

from .settings import ENV_BACKEND, ENV_DOTNET

BACKEND_NAME = "Rucio.JupyterLab.Server"
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# jupyter/rucio_jupyterlab -> repository root, only meaningful in a source checkout.
REPOSITORY_ROOT = os.path.dirname(os.path.dirname(PACKAGE_DIR))
BUILD_HINT = "dotnet build src/Rucio.JupyterLab.Server -c Release"


class BackendNotFound(Exception):
    """The backend cannot be run; the message says what is missing and how to fix it."""


@dataclass(frozen=True)
class BackendCommand:
    argv: List[str]
    """Program and leading arguments; the bridge appends the backend's own options."""

    origin: str
    """Which resolution step produced it, for the log."""


def locate_backend(
    environ: Mapping[str, str],
    package_dir: str = PACKAGE_DIR,
    repository_root: str = REPOSITORY_ROOT,
    which: Callable[[str], Optional[str]] = shutil.which,
) -> BackendCommand:
    """Returns how to run the backend, or raises `BackendNotFound` with an actionable message."""
    configured = environ.get(ENV_BACKEND, "").strip()
    if configured:
        path = os.path.abspath(os.path.expanduser(configured))
        if not os.path.exists(path):
            raise BackendNotFound(
                f"{ENV_BACKEND} is set to {path}, which does not exist. Point it at the "
                f"{BACKEND_NAME} executable or {BACKEND_NAME}.dll, or unset it to use the backend "
                "shipped with the rucio_jupyterlab package."
            )
        return _command_for(path, f"${ENV_BACKEND}", environ, which)

    candidates = _default_candidates(package_dir, repository_root)
    for path in candidates:
        if os.path.isfile(path):
            return _command_for(path, "packaged" if path.startswith(package_dir) else "checkout", environ, which)

    looked = "; ".join(candidates)
    raise BackendNotFound(
        f"The Rucio JupyterLab backend ({BACKEND_NAME}) was not found. Looked in: {looked}. "
        "Reinstall the rucio_jupyterlab package (its wheel ships the backend), or in a source "
        f"checkout build it with `{BUILD_HINT}`, or set {ENV_BACKEND} to the backend executable "
        "or .dll."
    )


def _default_candidates(package_dir: str, repository_root: str) -> Sequence[str]:
    packaged = os.path.join(package_dir, "backend")
    build_root = os.path.join(repository_root, "src", BACKEND_NAME, "bin")
    return [
        os.path.join(packaged, BACKEND_NAME),
        os.path.join(packaged, BACKEND_NAME + ".dll"),
        os.path.join(build_root, "Release", "net10.0", BACKEND_NAME + ".dll"),
        os.path.join(build_root, "Debug", "net10.0", BACKEND_NAME + ".dll"),
    ]


def _command_for(
    path: str, origin: str, environ: Mapping[str, str], which: Callable[[str], Optional[str]]
) -> BackendCommand:
    if path.lower().endswith(".dll"):
        return BackendCommand([_find_dotnet(path, environ, which), path], origin)
    if os.path.isdir(path):
        raise BackendNotFound(
            f"The backend path {path} ({origin}) is a directory; point {ENV_BACKEND} at the "
            f"{BACKEND_NAME} executable or {BACKEND_NAME}.dll inside it."
        )
    if not os.access(path, os.X_OK):
        raise BackendNotFound(
            f"The backend {path} ({origin}) is not executable. Run `chmod +x {path}` or reinstall "
            "the rucio_jupyterlab package."
        )
    return BackendCommand([path], origin)


def _find_dotnet(dll: str, environ: Mapping[str, str], which: Callable[[str], Optional[str]]) -> str:
    explicit = environ.get(ENV_DOTNET, "").strip()
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise BackendNotFound(
            f"{ENV_DOTNET} is set to {explicit}, which is not an executable .NET host. Point it at "
            "the `dotnet` program of a .NET 10 installation, or unset it."
        )
    found = which("dotnet")
    if found:
        return found
    for root_variable in ("DOTNET_ROOT", "DOTNET_ROOT_X64"):
        root = environ.get(root_variable, "").strip()
        candidate = os.path.join(root, "dotnet") if root else ""
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise BackendNotFound(
        f"The backend {dll} needs the .NET 10 runtime (ASP.NET Core), but no `dotnet` program was "
        f"found on PATH, in $DOTNET_ROOT or in ${ENV_DOTNET}. Install the ASP.NET Core 10 runtime "
        "(for example the aspnetcore-runtime-10.0 package), or use the self-contained backend "
        f"shipped with the rucio_jupyterlab wheel, or set {ENV_DOTNET} to the dotnet program."
    )
