"""Fixtures that start real jupyter servers through jupyter/lab/serve (the launcher under test)."""

import json
import subprocess

import pytest

from lab_support import BUILD, LAB_DIR, LabServer


@pytest.fixture(scope="session")
def built_frontend():
    """The frontend must be built once; a no-op when it is up to date."""
    subprocess.run([str(BUILD)], check=True, timeout=900)
    return LAB_DIR / "app"


@pytest.fixture(scope="module")
def lab_server(built_frontend, tmp_path_factory):
    def add_fake_extension(server):
        # A prebuilt extension in $JUPYTER_DATA_DIR/labextensions, where the launcher points the data dir.
        ext = server.state / "data" / "labextensions" / "fake-prebuilt"
        (ext / "static").mkdir(parents=True)
        (ext / "static" / "remoteEntry.abc.js").write_text("/* fake remote entry */\n")
        (ext / "package.json").write_text(json.dumps({
            "name": "fake-prebuilt", "version": "1.0.0",
            "jupyterlab": {"_build": {"load": "static/remoteEntry.abc.js", "extension": "./extension"}},
        }))

    server = LabServer(tmp_path_factory.mktemp("lab"), before_start=add_fake_extension)
    yield server
    server.stop()


@pytest.fixture
def make_server(built_frontend, tmp_path):
    """Starts a server with custom environment/arguments; stopped after the test."""
    started = []

    def start(**kwargs):
        server = LabServer(tmp_path / f"s{len(started)}", **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
