"""Pure functions of rucio_lab: hub page config and the compat gate."""

import sys

from lab_support import LAB_DIR

sys.path.insert(0, str(LAB_DIR))

from rucio_lab import _jupyter_server_extension_points  # noqa: E402
from rucio_lab.compat import needs_compat_shims  # noqa: E402
from rucio_lab.hub import hub_page_config, running_under_hub  # noqa: E402

HUB_ENV = {
    "JUPYTERHUB_API_TOKEN": "tok",
    "JUPYTERHUB_USER": "bob",
    "JUPYTERHUB_BASE_URL": "/jhub/",
    "JUPYTERHUB_SERVER_NAME": "gpu",
    "JUPYTERHUB_HOST": "https://hub.example",
}


def test_not_under_hub_without_its_environment():
    assert not running_under_hub({})
    assert hub_page_config({}, environ={"JUPYTERHUB_USER": "bob"}) == {}


def test_hub_keys_from_the_spawner_environment():
    config = hub_page_config({}, environ=HUB_ENV)
    assert config == {
        "hubPrefix": "/jhub/hub/",
        "hubHost": "https://hub.example",
        "hubUser": "bob",
        "hubServerName": "gpu",
        "shareUrl": "/jhub/hub/user-redirect",
        "token": "tok",
    }


def test_singleuser_tornado_settings_take_precedence():
    settings = {"hub_prefix": "/other/hub/", "hub_host": "https://h", "user": {"name": "carol"}}
    config = hub_page_config(settings, server_name="", environ=HUB_ENV)
    assert config["hubPrefix"] == "/other/hub/"
    assert config["hubHost"] == "https://h"
    assert config["hubUser"] == "carol"
    assert config["hubServerName"] == ""


def test_compat_shims_only_on_jupyter_server_1():
    import jupyter_server

    points = [p["module"] for p in _jupyter_server_extension_points()]
    if jupyter_server.version_info[0] < 2:
        assert needs_compat_shims() and points == ["rucio_lab", "rucio_lab.compat"]
    else:
        assert not needs_compat_shims() and points == ["rucio_lab"]
