"""rucio_lab served by Debian's jupyter-server: page config, assets, settings, prebuilt extensions, shims."""

import asyncio
import json
import re
import urllib.parse

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from lab_support import LAB_DIR


def test_lab_page_carries_the_page_config_the_frontend_needs(lab_server):
    config, _ = lab_server.page_config()
    assert config["appName"] == "JupyterLab"
    assert config["appVersion"] == "4.6.3"
    assert config["appNamespace"] == "jupyterlab"
    assert config["exposeAppInBrowser"] is True
    assert config["buildAvailable"] is False and config["buildCheck"] is False and config["devMode"] is False
    assert config["token"] == lab_server.token
    assert config["fullStaticUrl"] == "/static/rucio_lab"
    assert config["baseUrl"] == "/"
    assert not any(key.startswith("hub") for key in config), "no hub keys outside JupyterHub"


def test_labextension_paths_include_the_project_and_data_dirs(lab_server):
    config, _ = lab_server.page_config()
    assert config["extraLabextensionsPath"] == [str(LAB_DIR / "labextensions")]
    assert str(lab_server.state / "data" / "labextensions") in config["labextensionsPath"]


def test_prebuilt_extension_in_the_data_dir_is_listed_and_served(lab_server):
    config, _ = lab_server.page_config()
    fake = [e for e in config["federated_extensions"] if e["name"] == "fake-prebuilt"]
    assert fake == [{"name": "fake-prebuilt", "load": "static/remoteEntry.abc.js", "extension": "./extension"}]
    status, body = lab_server.request("lab/extensions/fake-prebuilt/static/remoteEntry.abc.js")
    assert status == 200 and b"fake remote entry" in body


def test_entry_bundle_named_in_the_page_is_served(lab_server):
    _, html = lab_server.page_config()
    scripts = re.findall(r'<script defer src="([^"]+)"', html)
    assert len(scripts) == 1 and re.fullmatch(r"/static/rucio_lab/bootstrap\.[0-9a-f]+\.js", scripts[0])
    status, body = lab_server.request(scripts[0])
    assert status == 200 and len(body) > 1000


def test_themes_and_schemas_are_served(lab_server):
    status, body = lab_server.request("lab/api/themes/@jupyterlab/theme-light-extension/index.css")
    assert status == 200 and b"--jp-layout-color0" in body
    listing = lab_server.json("lab/api/settings/")
    ids = {s["id"] for s in listing["settings"]}
    assert "@jupyterlab/notebook-extension:tracker" in ids
    assert "@jupyterlab/apputils-extension:themes" in ids


@pytest.mark.parametrize(
    ("plugin", "key", "value"),
    [
        ("@jupyterlab/docmanager-extension:plugin", "renameUntitledFileOnSave", False),
        ("@jupyterlab/apputils-extension:notification", "fetchNews", "false"),
        ("@jupyterlab/apputils-extension:notification", "checkForUpdates", False),
    ],
)
def test_settings_overrides_change_the_defaults(lab_server, plugin, key, value):
    settings = lab_server.json(f"lab/api/settings/{plugin}")
    assert settings["schema"]["properties"][key]["default"] == value


def test_user_settings_are_writable(lab_server):
    status, _ = lab_server.request("lab/api/settings/@jupyterlab/apputils-extension:themes", method="GET")
    assert status == 200
    assert (lab_server.state / "config" / "lab" / "user-settings").is_dir()
    assert (lab_server.state / "config" / "lab" / "workspaces").is_dir()


def test_lab_requires_authentication(lab_server):
    status, _ = lab_server.request("lab", auth=False)
    # jupyter-server redirects anonymous browsers to its login page rather than serving the app.
    assert status in (302, 403)


def test_me_shim_returns_an_identity_and_granted_permissions(lab_server):
    query = urllib.parse.quote(json.dumps({"contents": ["read", "write"]}))
    me = lab_server.json(f"api/me?permissions={query}")
    assert me["identity"]["username"]
    assert me["permissions"] == {"contents": ["read", "write"]}
    assert lab_server.request("api/me", auth=False)[0] == 403


def test_me_shim_rejects_malformed_permissions(lab_server):
    assert lab_server.request("api/me?permissions=%5B1%5D")[0] == 400
    assert lab_server.request("api/me?permissions=nope")[0] == 400


def test_lsp_status_shim(lab_server):
    assert lab_server.json("lsp/status") == {"version": 2, "sessions": {}, "specs": {}}
    assert lab_server.request("lsp/status", auth=False)[0] == 403


def _ws_connect(server, auth):
    headers = {"Authorization": f"token {server.token}"} if auth else {}
    url = f"ws://127.0.0.1:{server.port}/api/events/subscribe"
    return websocket_connect(HTTPRequest(url, headers=headers, connect_timeout=5))


def test_events_websocket_shim_accepts_authenticated_clients_and_stays_silent(lab_server):
    async def scenario():
        conn = await _ws_connect(lab_server, auth=True)
        try:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(conn.read_message(), timeout=0.3)
        finally:
            conn.close()

    asyncio.run(scenario())


def test_events_websocket_shim_rejects_anonymous_clients(lab_server):
    async def scenario():
        with pytest.raises(HTTPClientError) as info:
            await _ws_connect(lab_server, auth=False)
        assert info.value.code == 403

    asyncio.run(scenario())


def test_server_log_never_shows_the_token(lab_server):
    lab_server.request("lab")
    assert lab_server.token not in lab_server.log()
