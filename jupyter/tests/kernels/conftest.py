"""Real kernels for the kernel-side tests: Debian's ipykernel and IRkernel, one per test module.

Each kernel runs in its own temporary working directory (where the hostile-input tests look for
marker files) with an isolated IPYTHONDIR, so the user's IPython profile cannot interfere.
"""

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # the harness, and the package under test

from kernel_harness import (FIRST_FILE_BYTES, HOSTILE_FILE_BYTES, HOSTILE_FILE_NAME, R_EXECUTABLE,  # noqa: E402
                            SECOND_FILE_BYTES, KernelSession, kernel_env)

EXTENSION_MODULE = "rucio_jupyterlab.kernels.ipython"


@dataclass(frozen=True)
class DataFiles:
    """Files standing in for replicas on a mounted RSE."""

    first: Path
    second: Path
    hostile: Path


@pytest.fixture(scope="session")
def data_files(tmp_path_factory: pytest.TempPathFactory) -> DataFiles:
    rse = tmp_path_factory.mktemp("rse")
    files = DataFiles(rse / "first.dat", rse / "second.dat", rse / HOSTILE_FILE_NAME)
    files.first.write_bytes(FIRST_FILE_BYTES)
    files.second.write_bytes(SECOND_FILE_BYTES)
    files.hostile.write_bytes(HOSTILE_FILE_BYTES)
    return files


def _start(kernel_name: str, root: Path, extra_env: dict) -> KernelSession:
    cwd = root / "cwd"
    cwd.mkdir()
    return KernelSession(kernel_name, cwd, kernel_env(extra_env), root / "kernel.log")


def _python_kernel(tmp_path_factory: pytest.TempPathFactory, label: str) -> Iterator[KernelSession]:
    root = tmp_path_factory.mktemp(label)
    session = _start("python3", root, {"IPYTHONDIR": str(root / "ipython")})
    yield session
    session.shutdown()


@pytest.fixture(scope="module")
def python_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelSession]:
    """A plain kernel: the extension is loaded by the tests themselves (%load_ext)."""
    yield from _python_kernel(tmp_path_factory, "python-kernel")


@pytest.fixture(scope="module")
def spare_python_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelSession]:
    """A second plain kernel, for tests that load, unload and restart."""
    yield from _python_kernel(tmp_path_factory, "spare-python-kernel")


@pytest.fixture(scope="module")
def configured_python_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelSession]:
    """A kernel whose profile loads the extension (c.IPKernelApp.extensions), also after restarts."""
    root = tmp_path_factory.mktemp("configured-kernel")
    profile = root / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text(
        f"c.IPKernelApp.extensions = [{EXTENSION_MODULE!r}]\n", encoding="utf-8")
    session = _start("python3", root, {"IPYTHONDIR": str(root / "ipython")})
    yield session
    session.shutdown()


@pytest.fixture(scope="module")
def r_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelSession]:
    if R_EXECUTABLE is None:
        pytest.fail("R is needed: apt-get install r-base-core r-cran-irkernel")
    previous = os.environ.get("JUPYTER_PATH")
    try:
        KernelSpecManager().get_kernel_spec("ir")
    except NoSuchKernel:
        # IRkernel without its Debian spec dir: provide the spec IRkernel::installspec() writes.
        spec_root = tmp_path_factory.mktemp("kernelspecs")
        spec_dir = spec_root / "kernels" / "ir"
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(json.dumps({
            "argv": [R_EXECUTABLE, "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"],
            "display_name": "R", "language": "R"}), encoding="utf-8")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(spec_root), previous or "") if p)
    root = tmp_path_factory.mktemp("r-kernel")
    try:
        session = _start("ir", root, {})
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = previous
    yield session
    session.shutdown()
