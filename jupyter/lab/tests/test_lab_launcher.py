"""jupyter/lab/serve options, JupyterHub page config, and the build's up-to-date check."""

import json
import os
import subprocess
import time

from lab_support import BUILD, SERVE, free_port


def test_config_snippet_enables_another_server_extension(make_server, tmp_path):
    # An extra server extension, importable through PYTHONPATH and enabled by a snippet.
    pkg = tmp_path / "ext" / "probe_ext"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        "from jupyter_server.base.handlers import APIHandler\n"
        "from jupyter_server.utils import url_path_join\n"
        "from tornado import web\n"
        "class Ping(APIHandler):\n"
        "    @web.authenticated\n"
        "    def get(self):\n"
        "        self.finish({'pong': True})\n"
        "def _jupyter_server_extension_points():\n"
        "    return [{'module': 'probe_ext'}]\n"
        "def _load_jupyter_server_extension(app):\n"
        "    base = app.web_app.settings['base_url']\n"
        "    app.web_app.add_handlers('.*$', [(url_path_join(base, 'probe-ext/ping'), Ping)])\n"
    )
    snippet = tmp_path / "probe_ext.json"
    snippet.write_text(json.dumps({"ServerApp": {"jpserver_extensions": {"probe_ext": True}}}))
    server = make_server(
        env_extra={"PYTHONPATH": str(tmp_path / "ext")}, serve_args=["--config-snippet", str(snippet)]
    )
    assert server.json("probe-ext/ping") == {"pong": True}
    # The lab is still there next to the other extension.
    assert server.request("lab")[0] == 200


def test_config_snippets_from_the_environment(make_server, tmp_path):
    snippet = tmp_path / "base_url.json"
    snippet.write_text(json.dumps({"ServerApp": {"base_url": "/prefix/"}}))
    server = make_server(env_extra={"RUCIO_LAB_CONFIG_SNIPPETS": str(snippet)}, base_path="prefix/")
    config, html = server.page_config("prefix/lab")
    assert config["baseUrl"] == "/prefix/"
    assert config["fullStaticUrl"] == "/prefix/static/rucio_lab"
    assert "/prefix/static/rucio_lab/bootstrap." in html


def test_hub_page_config_under_jupyterhub(make_server):
    hub_env = {
        "JUPYTERHUB_API_TOKEN": "hub-api-token-for-test",
        "JUPYTERHUB_USER": "alice",
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_SERVER_NAME": "",
        "JUPYTERHUB_HOST": "",
    }
    server = make_server(env_extra=hub_env)
    config, _ = server.page_config()
    assert config["hubPrefix"] == "/hub/"
    assert config["hubUser"] == "alice"
    assert config["hubServerName"] == ""
    assert config["shareUrl"] == "/hub/user-redirect"
    assert config["token"] == "hub-api-token-for-test"


def test_serve_refuses_to_start_without_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_TOKEN"}
    result = subprocess.run(
        [str(SERVE), "--no-build", "--port", str(free_port()), "--root-dir", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "token" in result.stderr


def test_serve_rejects_an_invalid_config_snippet(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = subprocess.run(
        [str(SERVE), "--no-build", "--port", str(free_port()), "--root-dir", str(tmp_path),
         "--state-dir", str(tmp_path / "state"), "--config-snippet", str(bad)],
        env=dict(os.environ, JUPYTER_TOKEN="t0ken-for-test"), capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr


def test_build_is_quiet_and_fast_when_nothing_changed(built_frontend):
    started = time.monotonic()
    result = subprocess.run([str(BUILD)], capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert elapsed < 5, f"an up-to-date build took {elapsed:.1f}s"
