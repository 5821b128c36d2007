"""RucioConfig conversion, log levels and the private runtime files."""

import json
import os
import stat
import tempfile

import pytest
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader

from rucio_jupyterlab.config import RuntimeFiles, log_level_from, rucio_config_from, to_plain_json


def test_missing_section_is_an_empty_config():
    assert rucio_config_from(Config()) == {}


def test_config_objects_become_plain_json():
    config = Config()
    config.RucioConfig.instances = [{"name": "atlas", "path_begins_at": 4, "wildcard_enabled": True}]
    config.RucioConfig.default_instance = "atlas"

    plain = rucio_config_from(config)

    assert plain == {
        "instances": [{"name": "atlas", "path_begins_at": 4, "wildcard_enabled": True}],
        "default_instance": "atlas",
    }
    assert type(plain) is dict
    json.dumps(plain)  # must serialise without custom encoders


def test_lazy_values_from_python_config_files_are_applied():
    config = Config()
    config.RucioConfig.instances.append({"name": "cms"})
    config.RucioConfig.instances.extend([{"name": "lhcb"}])
    config.RucioConfig.extra.update({"key": "value"})

    plain = rucio_config_from(config)

    assert plain["instances"] == [{"name": "cms"}, {"name": "lhcb"}]
    assert plain["extra"] == {"key": "value"}


def test_command_line_values_are_parsed_as_json_when_possible():
    loader = KVArgParseConfigLoader(
        argv=[
            "--RucioConfig.log_level=debug",
            '--RucioConfig.instances=[{"name": "x", "mode": "download"}]',
            "--RucioConfig.path_begins_at=3",
        ]
    )
    plain = rucio_config_from(loader.load_config())

    assert plain == {"log_level": "debug", "instances": [{"name": "x", "mode": "download"}], "path_begins_at": 3}


def test_exotic_values_become_text():
    assert to_plain_json({"a": (1, 2), "b": {3}, "c": float("nan"), "d": b"x".decode()}) == {
        "a": [1, 2],
        "b": [3],
        "c": "nan",
        "d": "x",
    }


@pytest.mark.parametrize(
    "configured, name",
    [
        (None, "warning"),
        ("", "warning"),
        ("DEBUG", "debug"),
        ("info", "info"),
        ("warn", "warning"),
        ("critical", "critical"),
    ],
)
def test_log_levels(configured, name):
    config = {} if configured is None else {"log_level": configured}
    resolved, _, problem = log_level_from(config)
    assert (resolved, problem) == (name, None)


def test_invalid_log_level_falls_back_with_an_explanation():
    resolved, _, problem = log_level_from({"log_level": "chatty"})
    assert resolved == "warning"
    assert "chatty" in problem and "debug, info, warning, error, critical" in problem


@pytest.fixture
def short_dir():
    # pytest's own temporary paths are long enough to push a socket path over the limit.
    with tempfile.TemporaryDirectory(prefix="rjl-") as directory:
        yield directory


def test_runtime_files_are_private_and_unique(short_dir):
    config = {"instances": [{"name": "atlas", "password": "secret"}]}
    first = RuntimeFiles.create(os.path.join(short_dir, "runtime"), config)
    second = RuntimeFiles.create(os.path.join(short_dir, "runtime"), config)

    assert first.directory != second.directory
    assert stat.S_IMODE(os.stat(first.directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(first.config_path).st_mode) == 0o600
    with open(first.config_path, encoding="utf-8") as handle:
        assert json.load(handle) == {"RucioConfig": config}
    assert os.path.dirname(first.socket_path) == first.directory
    assert first.socket_directory is None

    first.remove()
    assert not os.path.exists(first.directory)
    assert os.path.exists(second.directory)
    second.remove()


def test_socket_moves_to_a_short_private_directory_when_the_path_is_too_long(tmp_path):
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    files = RuntimeFiles.create(str(deep), {})
    try:
        assert files.socket_directory is not None
        assert len(os.fsencode(files.socket_path)) <= 100
        assert stat.S_IMODE(os.stat(files.socket_directory).st_mode) == 0o700
        assert files.config_path.startswith(str(deep))
    finally:
        files.remove()
    assert not os.path.exists(files.socket_directory)
    assert not os.path.exists(files.directory)


def test_stale_socket_removal_tolerates_a_missing_file(tmp_path):
    files = RuntimeFiles.create(str(tmp_path), {})
    open(files.socket_path, "w").close()
    files.remove_stale_socket()
    files.remove_stale_socket()
    assert not os.path.exists(files.socket_path)
    files.remove()
