"""How the bridge finds the backend, and what it says when it cannot."""

import os

import pytest

from rucio_jupyterlab.backend_locator import BackendNotFound, locate_backend

NAME = "Rucio.JupyterLab.Server"


def _executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def _file(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")
    return str(path)


@pytest.fixture
def layout(tmp_path):
    package = tmp_path / "repo" / "jupyter" / "rucio_jupyterlab"
    package.mkdir(parents=True)
    return {"package": package, "repo": tmp_path / "repo", "tmp": tmp_path}


def _locate(layout, environ=None, dotnet="/opt/dotnet/dotnet"):
    return locate_backend(
        environ or {},
        package_dir=str(layout["package"]),
        repository_root=str(layout["repo"]),
        which=lambda name: dotnet if name == "dotnet" else None,
    )


def test_environment_variable_with_an_executable(layout):
    backend = _executable(layout["tmp"] / "custom" / NAME)
    command = _locate(layout, {"RUCIO_JUPYTERLAB_BACKEND": backend})
    assert command.argv == [backend]
    assert command.origin == "$RUCIO_JUPYTERLAB_BACKEND"


def test_environment_variable_with_a_dll_runs_it_with_dotnet(layout):
    dll = _file(layout["tmp"] / "custom" / f"{NAME}.dll")
    assert _locate(layout, {"RUCIO_JUPYTERLAB_BACKEND": dll}).argv == ["/opt/dotnet/dotnet", dll]


def test_environment_variable_wins_over_the_packaged_backend(layout):
    _executable(layout["package"] / "backend" / NAME)
    chosen = _executable(layout["tmp"] / "custom" / NAME)
    assert _locate(layout, {"RUCIO_JUPYTERLAB_BACKEND": chosen}).argv == [chosen]


def test_environment_variable_pointing_nowhere_is_explained(layout):
    missing = str(layout["tmp"] / "nowhere" / NAME)
    with pytest.raises(BackendNotFound) as error:
        _locate(layout, {"RUCIO_JUPYTERLAB_BACKEND": missing})
    assert "RUCIO_JUPYTERLAB_BACKEND" in str(error.value)
    assert missing in str(error.value)
    assert "does not exist" in str(error.value)


def test_non_executable_backend_is_explained(layout):
    backend = _file(layout["tmp"] / "custom" / NAME)
    with pytest.raises(BackendNotFound, match="chmod \\+x"):
        _locate(layout, {"RUCIO_JUPYTERLAB_BACKEND": backend})


def test_packaged_executable_comes_before_a_checkout_build(layout):
    packaged = _executable(layout["package"] / "backend" / NAME)
    _file(layout["repo"] / "src" / NAME / "bin" / "Release" / "net10.0" / f"{NAME}.dll")
    command = _locate(layout)
    assert command.argv == [packaged]
    assert command.origin == "packaged"


def test_checkout_release_build_is_used_from_a_source_tree(layout):
    dll = _file(layout["repo"] / "src" / NAME / "bin" / "Release" / "net10.0" / f"{NAME}.dll")
    command = _locate(layout)
    assert command.argv == ["/opt/dotnet/dotnet", dll]
    assert command.origin == "checkout"


def test_nothing_found_lists_where_it_looked_and_how_to_fix_it(layout):
    with pytest.raises(BackendNotFound) as error:
        _locate(layout)
    message = str(error.value)
    assert str(layout["package"] / "backend" / NAME) in message
    assert os.path.join("src", NAME, "bin", "Release") in message
    assert "dotnet build src/Rucio.JupyterLab.Server -c Release" in message
    assert "RUCIO_JUPYTERLAB_BACKEND" in message


def test_dll_without_dotnet_asks_for_the_runtime(layout):
    dll = _file(layout["tmp"] / f"{NAME}.dll")
    with pytest.raises(BackendNotFound) as error:
        _locate(layout, {"RUCIO_JUPYTERLAB_BACKEND": dll}, dotnet=None)
    message = str(error.value)
    assert ".NET 10 runtime" in message and "ASP.NET Core 10 runtime" in message
    assert "RUCIO_JUPYTERLAB_DOTNET" in message


def test_dotnet_root_is_searched_when_dotnet_is_not_on_path(layout):
    dll = _file(layout["tmp"] / f"{NAME}.dll")
    host = _executable(layout["tmp"] / "dotnet-root" / "dotnet")
    environ = {"RUCIO_JUPYTERLAB_BACKEND": dll, "DOTNET_ROOT": str(layout["tmp"] / "dotnet-root")}
    assert _locate(layout, environ, dotnet=None).argv == [host, dll]


def test_explicit_dotnet_host_must_exist(layout):
    dll = _file(layout["tmp"] / f"{NAME}.dll")
    environ = {"RUCIO_JUPYTERLAB_BACKEND": dll, "RUCIO_JUPYTERLAB_DOTNET": str(layout["tmp"] / "no-dotnet")}
    with pytest.raises(BackendNotFound, match="RUCIO_JUPYTERLAB_DOTNET"):
        _locate(layout, environ)
