"""Local JupyterHub test: two users, their own backends, OIDC tokens from the hub, tokens refreshed in place.

Run by deploy/hub/test (which installs and builds what is needed). Starts a Rucio Sandbox with short-lived
tokens and JupyterHub 3 on 127.0.0.1, logs alice (Sandbox account root, token file written by the hub) and
bob (account jdoe, token file fetched by his own server) in through the login form, checks every claim of the
issue through /user/<name>/rucio-jupyterlab/..., outlives the first tokens, and stops everything it started.
Prints PASS/FAIL per check and "N passed, M failed" last.
"""

import json
import os
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional

import requests

from hub_support import (
    CheckFailed,
    check,
    descendants_matching,
    free_port,
    jwt_claims,
    pid_alive,
    read_text,
    secrets_found_in,
    start_process,
    stop_process_group,
    wait_for,
)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOKEN_LIFETIME_S = int(os.environ.get("HUB_TEST_TOKEN_LIFETIME", "20"))
USERS = {"alice": ("secret", "root", "file"), "bob": ("jdoe-secret", "jdoe", "pull")}
BACKEND_NEEDLE = "Rucio.JupyterLab.Server"
RUCIO_ENV_KEYS = {
    "name": "RUCIO_NAME", "display_name": "RUCIO_DISPLAY_NAME", "mode": "RUCIO_MODE",
    "rucio_base_url": "RUCIO_BASE_URL", "rucio_auth_url": "RUCIO_AUTH_URL",
    "destination_rse": "RUCIO_DESTINATION_RSE", "rse_mount_path": "RUCIO_RSE_MOUNT_PATH",
    "path_begins_at": "RUCIO_PATH_BEGINS_AT", "site_name": "RUCIO_SITE_NAME", "vo": "RUCIO_VO",
    "replication_rule_lifetime_days": "RUCIO_REPLICATION_RULE_LIFETIME_DAYS",
}


class HubTest:
    def __init__(self, state: str):
        self.state = state
        self.results: List[bool] = []
        self.processes: List = []
        self.sessions: Dict[str, requests.Session] = {}
        self.server_pids: Dict[str, int] = {}
        self.backend_pids: Dict[str, int] = {}
        self.first_tokens: Dict[str, str] = {}
        self.seen_secrets: List[str] = []
        self.port, self.hub_port, self.proxy_api_port, self.sandbox_port = (free_port() for _ in range(4))
        self.hub = f"http://127.0.0.1:{self.port}"
        self.sandbox = f"http://127.0.0.1:{self.sandbox_port}"
        self.service_token = secrets.token_hex(32)
        self.crypt_key = secrets.token_hex(32)
        self.instance = ""

    # --- reporting -----------------------------------------------------------------------------------

    def step(self, name: str, action: Callable[[], None]) -> bool:
        started = time.monotonic()
        try:
            action()
        except (CheckFailed, requests.RequestException, OSError, ValueError, KeyError) as error:
            print(f"FAIL {name}: {error}", flush=True)
            self.results.append(False)
            return False
        print(f"PASS {name} ({time.monotonic() - started:.1f}s)", flush=True)
        self.results.append(True)
        return True

    # --- services ------------------------------------------------------------------------------------

    def start_sandbox(self) -> None:
        data = os.path.join(self.state, "sandbox")
        os.makedirs(data)
        dll = os.path.join(REPO, "src", "Rucio.Sandbox", "bin", "Release", "net10.0", "Rucio.Sandbox.dll")
        argv = ["dotnet", dll, "--urls", self.sandbox, "--data-dir", data, "--seed", "demo",
                "--token-lifetime", str(TOKEN_LIFETIME_S)]
        self.processes.append(start_process(argv, os.path.join(self.state, "sandbox.log"), dict(os.environ), self.state))
        wait_for("the Sandbox", lambda: requests.get(f"{self.sandbox}/ping", timeout=2).ok, 60)
        with open(os.path.join(data, "rucio-config.json"), encoding="utf-8") as f:
            config = json.load(f)
        instance = next(i for i in config["instances"] if i.get("name") == config.get("default_instance"))
        self.instance = instance["name"]
        self.rucio_env = {RUCIO_ENV_KEYS[k]: str(v) for k, v in instance.items() if k in RUCIO_ENV_KEYS}
        self.rucio_env.update(RUCIO_WILDCARD_ENABLED="1", RUCIO_DEFAULT_INSTANCE=self.instance, RUCIO_LOG_LEVEL="info")

    def start_hub(self) -> None:
        os.makedirs(os.path.join(self.state, "home"))
        config_dir = os.path.join(self.state, "singleuser-config")
        os.makedirs(config_dir)
        extensions = {"rucio_lab": True, "rucio_jupyterlab": True, "rucio_jupyterlab_hub.singleuser": True}
        with open(os.path.join(config_dir, "jupyter_server_config.json"), "w", encoding="utf-8") as f:
            json.dump({"ServerApp": {"jpserver_extensions": extensions, "default_url": "/lab"}}, f)
        env = dict(os.environ)
        env.update(
            RUCIO_REPO=REPO, HUB_TEST_STATE=self.state, HUB_TEST_SANDBOX_URL=self.sandbox,
            HUB_TEST_PORT=str(self.port), HUB_TEST_HUB_PORT=str(self.hub_port),
            HUB_TEST_PROXY_API_PORT=str(self.proxy_api_port), HUB_TEST_SERVICE_TOKEN=self.service_token,
            HUB_TEST_RUCIO_ENV=json.dumps(self.rucio_env), JUPYTERHUB_CRYPT_KEY=self.crypt_key,
        )
        argv = ["/usr/bin/python3", "-m", "jupyterhub", "-f", os.path.join(HERE, "jupyterhub_config.py")]
        self.hub_process = start_process(argv, self.hub_log, env, self.state)
        self.processes.append(self.hub_process)
        wait_for("the hub API", lambda: requests.get(f"{self.hub}/hub/api/", timeout=2).ok, 60)

    @property
    def hub_log(self) -> str:
        return os.path.join(self.state, "hub.log")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.service_token}"}
        return requests.request(method, f"{self.hub}/hub/api{path}", headers=headers, timeout=30, **kwargs)

    # --- per-user checks -----------------------------------------------------------------------------

    def token_file(self, user: str) -> str:
        return os.path.join(self.state, "home", user, ".rucio_jupyterlab", "oidc_token")

    def login_and_spawn(self, user: str) -> None:
        password = USERS[user][0]
        session = requests.Session()
        session.get(f"{self.hub}/hub/login", timeout=30)
        xsrf = session.cookies.get("_xsrf", "")
        answer = session.post(f"{self.hub}/hub/login", data={"username": user, "password": password, "_xsrf": xsrf},
                              timeout=120, allow_redirects=True)
        check(answer.status_code < 400, f"login answered HTTP {answer.status_code}")
        check("jupyterhub-session-id" in session.cookies or any("jupyterhub" in c for c in session.cookies.keys()),
              "no hub session cookie after login")
        self.sessions[user] = session
        model = wait_for(f"{user}'s server to be ready",
                         lambda: _ready_server(self.api("GET", f"/users/{user}").json()), 120)
        self.server_pids[user] = int(model["state"]["pid"])
        # Going through the lab page performs the hub OAuth dance and gives the session the server cookie.
        page = session.get(f"{self.hub}/user/{user}/lab", timeout=60)
        check(page.status_code == 200 and "jupyter-config-data" in page.text,
              f"/user/{user}/lab answered HTTP {page.status_code} without page config")

    def extension(self, user: str, route: str, **params) -> requests.Response:
        return self.sessions[user].get(f"{self.hub}/user/{user}/rucio-jupyterlab/{route}", params=params, timeout=60)

    def check_own_backend(self, user: str) -> None:
        # The bridge starts the backend on the first request; /instances makes sure it has started.
        answer = self.extension(user, "instances")
        check(answer.status_code == 200, f"instances answered HTTP {answer.status_code}: {answer.text[:200]}")
        pids = wait_for(f"{user}'s backend process",
                        lambda: descendants_matching(self.server_pids[user], BACKEND_NEEDLE), 30)
        check(len(pids) == 1, f"expected one backend below {user}'s server, found {pids}")
        self.backend_pids[user] = pids[0]
        others = {u: p for u, p in self.backend_pids.items() if u != user}
        check(pids[0] not in others.values(), f"{user} shares a backend process with {others}")

    def check_token_file(self, user: str) -> None:
        path = self.token_file(user)
        token = wait_for(f"{user}'s token file", lambda: os.path.isfile(path) and read_text(path), 30)
        info = os.stat(path)
        check(stat.S_IMODE(info.st_mode) == 0o600, f"{path} has mode {oct(stat.S_IMODE(info.st_mode))}, not 0600")
        check(info.st_uid == os.geteuid(), f"{path} is owned by uid {info.st_uid}, not the server's uid")
        check(jwt_claims(token).get("aud") == "rucio", "the token in the file is not the exchanged Rucio token")
        self.first_tokens[user] = token
        self.seen_secrets.append(token)

    def check_rucio_account(self, user: str, token: Optional[str] = None) -> None:
        token = token or read_text(self.token_file(user))
        answer = requests.get(f"{self.sandbox}/accounts/whoami", headers={"X-Rucio-Auth-Token": token},
                              allow_redirects=False, timeout=30)
        account = answer.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
        check(account == USERS[user][1], f"{user}'s token file maps to Rucio account {account!r}, not {USERS[user][1]!r}")

    def check_extension_uses_token(self, user: str) -> None:
        instances = self.extension(user, "instances").json()
        item = next((i for i in instances["instances"] if i["name"] == self.instance), None)
        check(item is not None, f"instance {self.instance} missing from {instances}")
        check(item.get("oidc_enabled") is True, f"oidc_enabled is {item.get('oidc_enabled')!r} for {user}")
        check(instances.get("auth_type") == "oidc", f"auth_type is {instances.get('auth_type')!r}, not 'oidc'")
        token = read_text(self.token_file(user))
        answer = self.extension(user, "oidc-auth-check", namespace=self.instance)
        check(answer.status_code == 200, f"oidc-auth-check answered HTTP {answer.status_code}: {answer.text[:200]}")
        expires = answer.json().get("expires")
        check(expires == jwt_claims(token)["exp"],
              f"the extension validated a token expiring at {expires}, the file's expires at {jwt_claims(token)['exp']}")
        scopes = self.extension(user, "list-scopes", namespace=self.instance)
        check(scopes.status_code == 200 and "opendata" in scopes.text,
              f"list-scopes answered HTTP {scopes.status_code}: {scopes.text[:200]}")

    def check_outlives_first_token(self) -> None:
        first_expiry = max(jwt_claims(t)["exp"] for t in self.first_tokens.values())
        wait_for("the first tokens to expire", lambda: time.time() > first_expiry + 1, TOKEN_LIFETIME_S + 30, 0.5)
        for user, first in self.first_tokens.items():
            current = read_text(self.token_file(user))
            self.seen_secrets.append(current)
            check(current != first, f"{user}'s token file still holds the first token after it expired")
            check(jwt_claims(current)["exp"] > time.time(), f"{user}'s token file holds an expired token")
            expired = requests.get(f"{self.sandbox}/accounts/whoami", headers={"X-Rucio-Auth-Token": first},
                                   allow_redirects=False, timeout=30)
            check(expired.status_code == 401, f"the Sandbox still accepts {user}'s first token (HTTP {expired.status_code})")
            self.check_rucio_account(user, current)
            self.check_extension_uses_token(user)

    def check_no_secrets_logged(self) -> None:
        logs = [os.path.join(self.state, name) for name in os.listdir(self.state) if name.endswith(".log")]
        hits = secrets_found_in(logs, self.seen_secrets + [self.crypt_key, self.service_token])
        check(not hits, f"a token or key appears in {hits}")
        for user, pid in self.backend_pids.items():
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                check(not any(s.encode() in f.read() for s in self.seen_secrets), f"{user}'s backend has a token in its argv")

    def check_stop(self) -> None:
        for user in USERS:
            answer = self.api("DELETE", f"/users/{user}/server")
            check(answer.status_code in (202, 204), f"stopping {user}'s server answered HTTP {answer.status_code}")
        for user in USERS:
            wait_for(f"{user}'s server to stop", lambda u=user: not _ready_server(self.api("GET", f"/users/{u}").json())
                     and not pid_alive(self.server_pids[u]), 60)
            wait_for(f"{user}'s backend to exit", lambda u=user: not pid_alive(self.backend_pids[u]), 30)
        check(not os.path.exists(self.token_file("alice")), "alice's token file (written by the hub) outlived her server")
        self.hub_process.send_signal(signal.SIGTERM)
        self.hub_process.wait(timeout=30)
        check(self.hub_process.returncode is not None, "the hub did not stop on SIGTERM")

    def stop_everything(self) -> None:
        for process in reversed(self.processes):
            stop_process_group(process)
        for pid in list(self.server_pids.values()) + list(self.backend_pids.values()):
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def _ready_server(model: dict) -> Optional[dict]:
    server = (model.get("servers") or {}).get("")
    return server if server and server.get("ready") else None


def main() -> int:
    state = tempfile.mkdtemp(prefix="rucio-hub-test.")
    os.chmod(state, 0o700)
    test = HubTest(state)
    started = time.monotonic()
    try:
        if test.step("Sandbox starts with short-lived tokens", test.start_sandbox) and test.step(
            "JupyterHub 3 + configurable-http-proxy start on loopback", test.start_hub
        ):
            for user in USERS:
                if not test.step(f"{user} logs in through the form and the hub spawns her/his server",
                                 lambda u=user: test.login_and_spawn(u)):
                    continue
                delivery = USERS[user][2]
                test.step(f"{user} has a backend process of her/his own", lambda u=user: test.check_own_backend(u))
                test.step(f"{user}'s token file ({delivery}) is the exchanged token, 0600", lambda u=user: test.check_token_file(u))
                test.step(f"{user}'s token is Rucio account {USERS[user][1]}", lambda u=user: test.check_rucio_account(u))
                test.step(f"{user}'s extension authenticates with that OIDC token",
                          lambda u=user: test.check_extension_uses_token(u))
            if len(test.first_tokens) == len(USERS):
                test.step("sessions outlive their first token (files refreshed, calls still work)",
                          test.check_outlives_first_token)
            test.step("no token or key in the logs or on command lines", test.check_no_secrets_logged)
            if test.server_pids and test.backend_pids:
                test.step("stopping servers stops backends and removes hub-written token files; hub stops", test.check_stop)
    finally:
        test.stop_everything()
        if os.environ.get("HUB_TEST_KEEP") == "1":
            print(f"kept {state}", file=sys.stderr)
        else:
            if not all(test.results):
                _print_log_tail(test.hub_log)
            shutil.rmtree(state, ignore_errors=True)
    failed = test.results.count(False)
    print(f"hub test took {time.monotonic() - started:.0f}s", file=sys.stderr)
    print(f"{test.results.count(True)} passed, {failed} failed")
    return 1 if failed else 0


def _print_log_tail(path: str, lines: int = 60) -> None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            tail = f.readlines()[-lines:]
    except OSError:
        return
    print(f"--- last {len(tail)} lines of {path} ---", file=sys.stderr)
    sys.stderr.writelines(tail)


if __name__ == "__main__":
    sys.exit(main())
