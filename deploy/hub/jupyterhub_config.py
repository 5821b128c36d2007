# JupyterHub configuration of the local test setup (deploy/hub/test): Debian's jupyterhub 3.0, npm's
# configurable-http-proxy, SimpleLocalProcessSpawner, a Rucio Sandbox as identity provider and Rucio.
# Everything comes from the environment the test sets; nothing listens beyond 127.0.0.1.
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
env = os.environ
repo = env["RUCIO_REPO"]
state = env["HUB_TEST_STATE"]
sandbox = env["HUB_TEST_SANDBOX_URL"]
sys.path[:0] = [os.path.join(repo, "jupyter", "hub"), here]

from sandbox_authenticator import SandboxPasswordAuthenticator  # noqa: E402

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["HUB_TEST_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["HUB_TEST_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['HUB_TEST_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.path.join(here, "node_modules", ".bin", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.log_level = "INFO"

# Login: the Sandbox checks the password and issues the JWT kept in (encrypted) auth_state.
c.JupyterHub.authenticator_class = SandboxPasswordAuthenticator
c.Authenticator.enable_auth_state = True  # needs JUPYTERHUB_CRYPT_KEY, generated per run by the test
c.Authenticator.allowed_users = {"alice", "bob"}
c.SandboxPasswordAuthenticator.identities = {"alice": "ddmlab", "bob": "jdoe"}
# alice's token file is written by the hub, bob's server fetches its own: both deliveries are exercised.
c.SandboxPasswordAuthenticator.pull_users = {"bob"}
c.RucioTokenMixin.rucio_token_url = f"{sandbox}/oidc/token"
c.RucioTokenMixin.rucio_audience = "rucio"
c.RucioTokenMixin.rucio_token_file = "{home}/.rucio_jupyterlab/oidc_token"
# The test's tokens live seconds, not hours: look every second, renew when half the lifetime is left.
c.RucioTokenMixin.rucio_refresh_interval = 1.0

# Single-user servers: jupyter-server + the npm-built JupyterLab (rucio_lab) + the extension, from the checkout.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "home", "{username}")
c.Spawner.cmd = ["/usr/bin/jupyterhub-singleuser"]
if os.geteuid() == 0:
    c.Spawner.args = ["--allow-root"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
rucio = json.loads(env["HUB_TEST_RUCIO_ENV"])  # RUCIO_* of the Sandbox instance, as singleuser.extraEnv would
c.Spawner.environment = {
    "JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp",
    "PYTHONPATH": os.pathsep.join(os.path.join(repo, p) for p in ("jupyter", "jupyter/lab", "jupyter/hub")),
    # Shared, read-only server config (extensions enabled); each user keeps ~/.jupyter for their own state.
    "JUPYTER_CONFIG_PATH": os.path.join(state, "singleuser-config"),
    "RUCIO_JUPYTERLAB_TOKEN_SYNC_INTERVAL": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    **rucio,
}
if env.get("RUCIO_JUPYTERLAB_BACKEND"):
    c.Spawner.environment["RUCIO_JUPYTERLAB_BACKEND"] = env["RUCIO_JUPYTERLAB_BACKEND"]

# The test drives the hub through its REST API with this service's token.
c.JupyterHub.services = [{"name": "hub-test", "api_token": env["HUB_TEST_SERVICE_TOKEN"]}]
c.JupyterHub.load_roles = [
    {
        "name": "hub-test",
        "scopes": ["admin:users", "admin:servers", "admin:server_state", "list:users", "read:users"],
        "services": ["hub-test"],
    }
]
