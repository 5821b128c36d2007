"""Secrets never reach the Jupyter log through the backend's output."""

import logging

import pytest

from rucio_jupyterlab.process_output import MISSING_RUNTIME_HINT, OutputRelay
from rucio_jupyterlab.redaction import redact, secrets_in_config

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(
    "text, leaked",
    [
        ("X-Rucio-Auth-Token: root-abc123-xyz", "root-abc123-xyz"),
        ('{"password": "hunter22"}', "hunter22"),
        ("connecting with password=hunter22 now", "hunter22"),
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("client_secret=s3cr3t&x=1", "s3cr3t"),
        (f"validated {JWT} for alice", JWT),
        ("access_token=zzz999", "zzz999"),
    ],
)
def test_secrets_are_masked(text, leaked):
    masked = redact(text)
    assert leaked not in masked
    assert "***" in masked


def test_known_secrets_are_masked_wherever_they_appear():
    assert redact("user typed hunter22-long somewhere", ["hunter22-long"]) == "user typed *** somewhere"


def test_ordinary_lines_are_unchanged():
    line = "info: Rucio.JupyterLab.Server[0] Listening on /run/backend.sock; 3 instances, token cache empty"
    assert redact(line) == line


def test_secret_values_are_collected_from_the_config():
    config = {
        "instances": [
            {"name": "a", "password": "p4ssword", "oidc_auth": "env", "oidc_env_name": "RUCIO_ACCESS_TOKEN"},
            {"name": "b", "client_secret": "c-secret", "token_path": "/tmp/token", "oidc_file_name": "/t"},
        ]
    }
    found = secrets_in_config(config, {"RUCIO_ACCESS_TOKEN": "the-oidc-token"})
    assert sorted(found) == ["c-secret", "p4ssword", "the-oidc-token"]


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append((record.levelno, record.getMessage()))


@pytest.fixture
def capture():
    logger = logging.getLogger("test.rucio_jupyterlab.relay")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = _Capture()
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)


def test_relay_keeps_dotnet_severity_and_redacts(capture):
    logger, handler = capture
    hints = []
    relay = OutputRelay(logger, 42, logging.INFO, ["known-secret-1"], on_hint=hints.append)
    for line in [
        "warn: Rucio.Client[3]",
        "      token renewal failed, password=hunter22",
        "fail: Rucio.JupyterLab.Server[9]",
        "      known-secret-1 rejected",
        "plain line",
        "",
    ]:
        relay.handle(line)

    assert handler.records == [
        (logging.WARNING, "backend[42]: warn: Rucio.Client[3]"),
        (logging.WARNING, "backend[42]:       token renewal failed, password=***"),
        (logging.ERROR, "backend[42]: fail: Rucio.JupyterLab.Server[9]"),
        (logging.ERROR, "backend[42]:       *** rejected"),
        (logging.INFO, "backend[42]: plain line"),
    ]
    assert hints == []


def test_relay_recognises_a_missing_dotnet_framework(capture):
    logger, _ = capture
    hints = []
    relay = OutputRelay(logger, 7, logging.WARNING, [], on_hint=hints.append)
    relay.handle("You must install or update .NET to run this application.")
    assert hints == [MISSING_RUNTIME_HINT]
