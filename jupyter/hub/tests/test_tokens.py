"""Unit tests of the token-endpoint client, the token file writer and the mixin's renewal logic.

A tornado token endpoint on 127.0.0.1 stands in for the identity provider; the mixin runs with fake
users and a fake clock (no JupyterHub process).
"""

import asyncio
import base64
import json
import os
import stat
import time
from urllib.parse import parse_qs

import pytest
from tornado import httpserver, netutil, web

from rucio_jupyterlab_hub import RucioTokenMixin, TokenEndpoint, TokenEndpointError
from rucio_jupyterlab_hub.mixin import AUTH_STATE_KEY
from rucio_jupyterlab_hub.token_endpoint import TOKEN_EXCHANGE_GRANT, IssuedToken, jwt_expiry
from rucio_jupyterlab_hub.token_files import write_token_file


def make_jwt(claims):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


class FakeIdP(web.RequestHandler):
    """Records each form and answers with a JWT whose subject names the grant that produced it."""

    def post(self):
        form = {k: v[0] for k, v in parse_qs(self.request.body.decode()).items()}
        self.application.settings["requests"].append(form)
        if form.get("subject_token") == "revoked" or form.get("refresh_token") == "revoked":
            self.set_status(400)
            self.finish({"error": "invalid_grant", "error_description": "token revoked: revoked"})
            return
        lifetime = self.application.settings["lifetime"]
        token = make_jwt({"sub": form["grant_type"], "aud": form.get("audience"), "exp": int(time.time()) + lifetime})
        self.finish({"access_token": token, "expires_in": lifetime, "token_type": "Bearer"})


@pytest.fixture
def idp():
    requests = []
    app = web.Application([(r"/token", FakeIdP)], requests=requests, lifetime=600)
    sockets = netutil.bind_sockets(0, "127.0.0.1")
    server = httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/token", requests, app
    server.stop()


def run(coroutine):
    return asyncio.get_event_loop().run_until_complete(coroutine)


def test_exchange_sends_rfc8693_form_and_computes_expiry(idp):
    url, requests, _ = idp
    endpoint = TokenEndpoint(url, "hub-client", "client-secret", clock=lambda: 1000.0)
    token = run(endpoint.exchange("login-token", audience="rucio", scope="openid profile"))
    sent = requests[-1]
    assert sent["grant_type"] == TOKEN_EXCHANGE_GRANT
    assert sent["subject_token"] == "login-token"
    assert sent["audience"] == "rucio" and sent["client_id"] == "hub-client"
    assert token.expires_at == 1600.0 and token.issued_at == 1000.0


def test_refused_grant_error_names_code_but_no_token(idp):
    url, _, _ = idp
    with pytest.raises(TokenEndpointError) as raised:
        run(TokenEndpoint(url).exchange("revoked"))
    assert raised.value.status == 400 and raised.value.error == "invalid_grant"
    assert "revoked" not in str(raised.value)  # the description echoing the token is not repeated


def test_unreachable_endpoint_is_a_token_endpoint_error():
    with pytest.raises(TokenEndpointError):
        run(TokenEndpoint("http://127.0.0.1:9/token", timeout=2).refresh("r"))


def test_jwt_expiry_reads_exp_and_rejects_garbage():
    assert jwt_expiry(make_jwt({"exp": 1234})) == 1234.0
    assert jwt_expiry("not-a-jwt") is None
    assert jwt_expiry("a.!!!.c") is None


def test_issued_token_repr_hides_secrets():
    token = IssuedToken("access-secret", 1.0, 2.0, "refresh-secret")
    assert "secret" not in repr(token)
    assert IssuedToken.from_state(token.to_state()) == token


def test_token_file_is_replaced_atomically_with_mode_0600(tmp_path):
    path = str(tmp_path / "nested" / "oidc_token")
    write_token_file(path, "first")
    inode = os.stat(path).st_ino
    write_token_file(path, "second")
    assert open(path).read() == "second"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert os.stat(path).st_ino != inode  # a new file renamed over the old one, never rewritten in place
    assert [p for p in os.listdir(os.path.dirname(path))] == ["oidc_token"]


def test_token_file_refuses_relative_paths():
    with pytest.raises(ValueError):
        write_token_file("relative/token", "x")


class FakeUser:
    def __init__(self, name, auth_state):
        self.name = name
        self.auth_state = auth_state
        self.spawners = {}

    async def get_auth_state(self):
        return json.loads(json.dumps(self.auth_state)) if self.auth_state is not None else None

    async def save_auth_state(self, state):
        self.auth_state = state


class FakeSpawner:
    def __init__(self, user, home):
        self.user, self.name, self.home_dir, self.active, self.environment = user, "", home, True, {}


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


def make_mixin(url, **config):
    class TestAuthenticator(RucioTokenMixin):
        import logging

        log = logging.getLogger("test")

    mixin = TestAuthenticator(rucio_token_url=url, **config)
    mixin._rucio_clock = Clock()
    return mixin


def test_spawn_exchanges_login_token_writes_file_and_sets_environment(idp, tmp_path):
    url, requests, _ = idp
    mixin = make_mixin(url)
    user = FakeUser("alice", {"access_token": make_jwt({"exp": int(time.time()) + 300})})
    spawner = FakeSpawner(user, str(tmp_path / "alice"))

    async def scenario():
        await mixin.pre_spawn_start(user, spawner)
        mixin._rucio_refresher.cancel()

    run(scenario())
    path = spawner.environment["RUCIO_OIDC_FILE_NAME"]
    assert path == str(tmp_path / "alice" / ".rucio_jupyterlab" / "oidc_token")
    assert spawner.environment["RUCIO_OIDC_AUTH"] == "file"
    assert spawner.environment["RUCIO_DEFAULT_AUTH_TYPE"] == "oidc"
    assert "RUCIO_JUPYTERLAB_TOKEN_SYNC" not in spawner.environment
    assert requests[-1]["grant_type"] == TOKEN_EXCHANGE_GRANT
    assert open(path).read() == user.auth_state[AUTH_STATE_KEY]["access_token"]


def test_pull_delivery_writes_no_file_and_asks_the_server_to_fetch(idp, tmp_path):
    url, _, _ = idp
    mixin = make_mixin(url, rucio_token_delivery="pull", rucio_token_file="/tmp/rucio_oauth.token")
    user = FakeUser("bob", {"access_token": make_jwt({"exp": int(time.time()) + 300})})
    spawner = FakeSpawner(user, str(tmp_path / "bob"))

    async def scenario():
        await mixin.pre_spawn_start(user, spawner)
        mixin._rucio_refresher.cancel()

    run(scenario())
    assert spawner.environment["RUCIO_JUPYTERLAB_TOKEN_SYNC"] == "pull"
    assert spawner.environment["RUCIO_OIDC_FILE_NAME"] == "/tmp/rucio_oauth.token"
    assert not os.path.exists(tmp_path / "bob")


def test_token_is_renewed_only_when_due_and_file_rewritten(idp, tmp_path):
    url, requests, _ = idp
    mixin = make_mixin(url, rucio_refresh_before=900)
    user = FakeUser("alice", {"access_token": make_jwt({"exp": int(time.time()) + 3600})})
    spawner = FakeSpawner(user, str(tmp_path / "alice"))

    async def scenario():
        await mixin.pre_spawn_start(user, spawner)
        mixin._rucio_refresher.cancel()
        first = IssuedToken.from_state(user.auth_state[AUTH_STATE_KEY])
        assert await mixin.rucio_current_token(user) == first  # 600 s token: due at half-life, not yet
        mixin._rucio_clock.now += 301  # past half of the 600 s lifetime
        renewed = await mixin.rucio_current_token(user)
        return first, renewed

    count_before = len(requests)
    first, renewed = run(scenario())
    assert renewed != first and len(requests) == count_before + 2  # spawn exchange + one renewal
    assert requests[-1]["subject_token"] == first.access_token  # exchange of the still-valid current token
    assert open(spawner.environment["RUCIO_OIDC_FILE_NAME"]).read() == renewed.access_token


def test_renewal_falls_back_to_login_token_when_current_exchange_is_refused(idp, tmp_path):
    url, requests, _ = idp
    mixin = make_mixin(url)
    login = make_jwt({"exp": int(time.time()) + 3600})
    clock_now = mixin._rucio_clock.now
    current = IssuedToken("revoked", clock_now - 590, clock_now + 10)
    user = FakeUser("alice", {"access_token": login, AUTH_STATE_KEY: current.to_state()})
    renewed = run(mixin.rucio_current_token(user))
    assert renewed.access_token != "revoked"
    assert [r.get("subject_token") for r in requests[-2:]] == ["revoked", login]


def test_expired_login_without_refresh_token_is_reported(idp, tmp_path):
    url, _, _ = idp
    mixin = make_mixin(url)
    user = FakeUser("alice", {"access_token": make_jwt({"exp": int(time.time()) - 10})})
    spawner = FakeSpawner(user, str(tmp_path / "alice"))
    with pytest.raises(TokenEndpointError, match="log in again"):
        run(mixin.pre_spawn_start(user, spawner))
