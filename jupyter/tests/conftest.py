"""Fixtures: real jupyter-servers with the extension, in front of the real backend or a stub.

The real backend is, in order: ``$RUCIO_JUPYTERLAB_TEST_BACKEND`` (an executable
or .dll), the repository's Release build, or that build made on demand. Tests
that need routes the real backend does not have (echo, timed streams) use the
stub in ``support/stub_backend.py``, which honours the same command line.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package under test

from support.jupyter import REPOSITORY_ROOT, JupyterServer, start_jupyter_server, write_stub_launcher  # noqa: E402

BACKEND_PROJECT = REPOSITORY_ROOT / "src" / "Rucio.JupyterLab.Server"
BACKEND_DLL = BACKEND_PROJECT / "bin" / "Release" / "net10.0" / "Rucio.JupyterLab.Server.dll"


@pytest.fixture(scope="session")
def real_backend() -> str:
    configured = os.environ.get("RUCIO_JUPYTERLAB_TEST_BACKEND", "").strip()
    if configured:
        return configured
    if BACKEND_DLL.is_file():
        return str(BACKEND_DLL)
    if not (BACKEND_PROJECT / "Rucio.JupyterLab.Server.csproj").is_file():
        pytest.fail(
            f"The C# backend is needed but neither {BACKEND_DLL} nor its project exists; build it or "
            "set RUCIO_JUPYTERLAB_TEST_BACKEND to a backend executable or .dll."
        )
    build = subprocess.run(
        ["dotnet", "build", str(BACKEND_PROJECT), "-c", "Release", "-nologo", "-clp:ErrorsOnly"],
        cwd=REPOSITORY_ROOT, capture_output=True, text=True, timeout=600,
    )
    if build.returncode != 0 or not BACKEND_DLL.is_file():
        pytest.fail(f"Building the backend failed:\n{build.stdout}\n{build.stderr}")
    return str(BACKEND_DLL)


@pytest.fixture(scope="session")
def stub_backend(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(write_stub_launcher(tmp_path_factory.mktemp("stub")))


class ServerPool:
    """Starts servers in fresh directories and guarantees none of their processes outlive the test."""

    def __init__(self, make_dir: Callable[[], Path]) -> None:
        self._make_dir = make_dir
        self._servers: List[JupyterServer] = []

    def start(self, **options) -> JupyterServer:
        server = start_jupyter_server(self._make_dir(), **options)
        self._servers.append(server)
        return server

    def close(self) -> None:
        for server in self._servers:
            server.stop()
            server.kill_leftovers()


@pytest.fixture
def servers(tmp_path_factory: pytest.TempPathFactory):
    pool = ServerPool(lambda: tmp_path_factory.mktemp("jupyter"))
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def module_servers(tmp_path_factory: pytest.TempPathFactory):
    pool = ServerPool(lambda: tmp_path_factory.mktemp("jupyter"))
    yield pool
    pool.close()
