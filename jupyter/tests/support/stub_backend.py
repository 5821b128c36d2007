"""A stand-in for the C# backend that exposes what the bridge sent it.

It honours the backend's command line (``--socket --config --data-dir
--root-dir --log-level``), prints the same ready line and serves ``/_health``,
plus test-only routes the real backend does not have:

* ``/rucio-jupyterlab/echo/...`` (any method): the request as received, as JSON;
  ``?status=`` and ``?content_type=`` choose the answer's status and type;
* ``/rucio-jupyterlab/stream?count=&interval=&delay=``: lines sent ``interval`` s apart;
* ``/rucio-jupyterlab/hold``: one chunk, then waits for the client to leave and
  records that in ``<data-dir>/hold-cancelled-<n>``.

Run with Debian's python3; it only needs tornado.
"""

import argparse
import asyncio
import itertools
import json
import os
import signal
import sys

from tornado import httpserver, netutil, web

_hold_ids = itertools.count(1)


class HealthHandler(web.RequestHandler):
    def get(self):
        self.finish("ok")


class InstancesHandler(web.RequestHandler):
    def get(self):
        section = self.application.settings["rucio_config"].get("RucioConfig", {})
        instances = [
            {"name": item.get("name"), "display_name": item.get("display_name"), "mode": item.get("mode", "replica")}
            for item in section.get("instances", [])
        ]
        self.finish({"active_instance": None, "auth_type": None, "instances": instances})


class EchoHandler(web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

    def _echo(self):
        status = int(self.get_query_argument("status", "200"))
        content_type = self.get_query_argument("content_type", "application/json")
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        self.set_header("Set-Cookie", "backend_cookie=1")
        self.set_header("X-Stub-Backend", "yes")
        if self.request.method == "HEAD" or status in (204, 304):
            self.finish()
            return
        headers = {}
        for name, value in self.request.headers.get_all():
            headers.setdefault(name.lower(), []).append(value)
        self.finish(
            json.dumps(
                {
                    "method": self.request.method,
                    "path": self.request.path,
                    "query": self.request.query,
                    "headers": headers,
                    "body": self.request.body.decode("utf-8", errors="replace"),
                    "pid": os.getpid(),
                    "argv": sys.argv[1:],
                }
            )
        )

    get = post = put = patch = delete = head = _echo


class StreamHandler(web.RequestHandler):
    async def get(self):
        count = int(self.get_query_argument("count", "5"))
        interval = float(self.get_query_argument("interval", "0.3"))
        delay = float(self.get_query_argument("delay", "0"))
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        await self.flush()  # headers now, body later: like a backend that streams progress
        await asyncio.sleep(delay)
        for number in range(1, count + 1):
            self.write(f"line {number}\n")
            await self.flush()
            if number < count:
                await asyncio.sleep(interval)


class HoldHandler(web.RequestHandler):
    def initialize(self):
        self._gone = asyncio.Event()
        self._id = next(_hold_ids)

    async def get(self):
        self.set_header("Content-Type", "text/plain")
        self.write("held\n")
        await self.flush()
        try:
            await asyncio.wait_for(self._gone.wait(), 60)
        except asyncio.TimeoutError:
            self.finish("released\n")

    def on_connection_close(self):
        marker = os.path.join(self.application.settings["data_dir"], f"hold-cancelled-{self._id}")
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write("cancelled\n")
        self._gone.set()


def _announce_secrets(rucio_config):
    # Stands in for a careless backend log line, so the bridge's redaction can be observed.
    for instance in rucio_config.get("RucioConfig", {}).get("instances", []):
        if "password" in instance:
            print(f"stub backend: instance {instance.get('name')} password={instance['password']}", flush=True)


async def main():
    parser = argparse.ArgumentParser()
    for option in ("--socket", "--config", "--data-dir", "--root-dir", "--log-level"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as handle:
        rucio_config = json.load(handle)
    os.makedirs(args.data_dir, exist_ok=True)
    _announce_secrets(rucio_config)

    app = web.Application(
        [
            (r"/_health", HealthHandler),
            (r"/rucio-jupyterlab/instances", InstancesHandler),
            (r"/rucio-jupyterlab/echo(?:/.*)?", EchoHandler),
            (r"/rucio-jupyterlab/stream", StreamHandler),
            (r"/rucio-jupyterlab/hold", HoldHandler),
        ],
        rucio_config=rucio_config,
        data_dir=args.data_dir,
    )
    server = httpserver.HTTPServer(app)
    server.add_socket(netutil.bind_unix_socket(args.socket, mode=0o600))
    print(f"Rucio JupyterLab backend ready on {args.socket}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.stop()
    os.unlink(args.socket)


if __name__ == "__main__":
    asyncio.run(main())
