"""The Python values and the comm bridge, in process (the real-kernel tests cover the wiring)."""

import io
import logging
import os
import pathlib
import pickle
from contextlib import redirect_stderr

import pytest

from kernel_harness import collection_entry, file_entry, inject_message
from rucio_jupyterlab.kernels import ipython as extension
from rucio_jupyterlab.kernels.ipython.bridge import KernelBridge, inject
from rucio_jupyterlab.kernels.ipython.types import (DIDNotAvailableError, DIDNotAvailableException,
                                                    RucioCollection, RucioFile, UnavailableDID)

SIGNED_PFN = "https://storage.example/f?authz=SECRET-TOKEN-123"


class FakeShell:
    def __init__(self) -> None:
        self.user_ns = {}
        self.pushes = 0

    def push(self, values):
        self.pushes += 1
        self.user_ns.update(values)


class FakeComm:
    def __init__(self, target=None) -> None:
        self.target = target
        self.sent = []
        self.closed = False
        self.msg_callback = None
        self.close_callback = None

    def on_msg(self, callback):
        self.msg_callback = callback

    def on_close(self, callback):
        self.close_callback = callback

    def send(self, data):
        self.sent.append(data)

    def close(self):
        self.closed = True

    def receive(self, data):
        self.msg_callback({"content": {"comm_id": "x", "data": data}})


class FakeCommManager:
    def __init__(self) -> None:
        self.targets = {}

    def register_target(self, name, callback):
        self.targets[name] = callback

    def unregister_target(self, name, callback):
        return self.targets.pop(name)


@pytest.fixture
def file_on_disk(tmp_path):
    path = tmp_path / "file_1.dat"
    path.write_bytes(b"\x00rucio\xff")
    return path


def unavailable(status="REPLICATING", error=None):
    return UnavailableDID("user.root:later", "file", "later",
                          f"Rucio DID user.root:later (variable 'later') is not available (status: {status})",
                          status, error, "replica")


def test_a_file_is_its_local_path_with_pfn_and_did(file_on_disk):
    data = RucioFile(str(file_on_disk), "root://xrd1//file_1.dat", "user.root:file_1", "replica")
    assert isinstance(data, str) and data == str(file_on_disk)
    with open(data, "rb") as handle:
        assert handle.read() == b"\x00rucio\xff"
    assert pathlib.Path(data).read_bytes() == b"\x00rucio\xff"
    assert (data.path, data.pfn, data.did, data.mode, data.did_available) == (
        str(file_on_disk), "root://xrd1//file_1.dat", "user.root:file_1", "replica", True)
    assert type(str(data)) is str and f"{data}" == str(file_on_disk)
    copy = pickle.loads(pickle.dumps(data))
    assert (copy, copy.pfn, copy.did, copy.mode) == (data, data.pfn, data.did, data.mode)


def test_a_collection_is_a_list_of_files():
    files = [RucioFile("/a", "root://a", "s:a"), RucioFile("/b", None, "s:b")]
    coll = RucioCollection(files, "s:dataset", "download")
    assert isinstance(coll, list) and coll == ["/a", "/b"]
    assert all(isinstance(item, RucioFile) for item in coll)
    assert (coll.did, coll.mode, coll.did_available, coll.path, coll.pfn) == (
        "s:dataset", "download", True, ["/a", "/b"], ["root://a", None])
    copy = pickle.loads(pickle.dumps(coll))
    assert (copy, copy.did, copy[0].pfn) == (coll, "s:dataset", "root://a")


@pytest.mark.parametrize("use", [
    str, os.fspath, open, pathlib.Path, (lambda x: f"{x}"), (lambda x: "%s" % x),
    (lambda x: "{}".format(x)), list, len, iter, (lambda x: x[0]), (lambda x: "a" in x), (lambda x: x + "/x"),
    (lambda x: "/x" + x), bytes, (lambda x: x.endswith(".dat")), (lambda x: x.split("/")),
    (lambda x: x.path), (lambda x: x.pfn), (lambda x: os.path.join(x, "f")),
], ids=lambda u: getattr(u, "__name__", "use"))
def test_using_an_unavailable_did_raises_a_clear_error(use):
    with pytest.raises(DIDNotAvailableError) as raised:
        use(unavailable())
    message = str(raised.value)
    assert "user.root:later" in message and "REPLICATING" in message and "None" not in message
    assert (raised.value.did, raised.value.status, raised.value.variable_name) == (
        "user.root:later", "REPLICATING", "later")
    copy = pickle.loads(pickle.dumps(raised.value))
    assert (type(copy), str(copy), copy.did) == (type(raised.value), message, "user.root:later")


def test_an_unavailable_did_can_be_inspected_safely():
    value = unavailable("FAILED", "quota")
    assert repr(value) == "<Rucio file DID user.root:later: not available yet (status: FAILED)>"
    assert not value and value.did_available is False
    assert (value.did, value.type, value.status, value.error, value.mode, value.variable_name) == (
        "user.root:later", "file", "FAILED", "quota", "replica", "later")
    assert not hasattr(value, "_repr_html_")  # IPython's display probes stay quiet
    assert getattr(value, "shape", None) is None and not hasattr(value, "read")  # so do variable inspectors
    assert DIDNotAvailableException is DIDNotAvailableError
    copy = pickle.loads(pickle.dumps(value))
    assert repr(copy) == repr(value)
    assert UnavailableDID("s:n", "collection", "v", "m").status == "NOT_AVAILABLE"
    with pytest.raises(ValueError):
        UnavailableDID("s:n", "dataset", "v", "m")


def test_inject_defines_values_and_acknowledges(file_on_disk):
    shell = FakeShell()
    ack = inject(shell, inject_message(
        file_entry("data", "user.root:file_1", str(file_on_disk), "root://xrd1//f", mode="replica"),
        collection_entry("coll", "user.root:ds", [{"path": "/a", "pfn": "root://a", "did": "user.root:a"}]),
        file_entry("later", "user.root:c", None, status="REPLICATING"),
        file_entry("def", "user.root:d", None),
        request_id="r-7"))
    assert ack["action"] == "ack-inject" and ack["requestId"] == "r-7"
    assert ack["variable_names"] == ["data", "coll", "later"]
    assert [(r["index"], r["code"]) for r in ack["rejected"]] == [(3, "reserved-name")]
    data, coll, later = (shell.user_ns[n] for n in ("data", "coll", "later"))
    assert (data, data.pfn, data.did, data.mode) == (str(file_on_disk), "root://xrd1//f", "user.root:file_1", "replica")
    assert (coll, coll.did, coll[0].did, coll[0].pfn) == (["/a"], "user.root:ds", "user.root:a", "root://a")
    assert isinstance(later, UnavailableDID) and later.status == "REPLICATING"
    assert "def" not in shell.user_ns and shell.pushes == 1


def test_reinjection_replaces_the_value(file_on_disk):
    shell = FakeShell()
    inject(shell, inject_message(file_entry("later", "user.root:c", None, status="REPLICATING")))
    assert isinstance(shell.user_ns["later"], UnavailableDID)
    inject(shell, inject_message(file_entry("later", "user.root:c", str(file_on_disk))))
    assert isinstance(shell.user_ns["later"], RucioFile) and shell.user_ns["later"] == str(file_on_disk)


def test_a_malformed_request_is_answered_with_an_error_and_defines_nothing():
    shell = FakeShell()
    ack = inject(shell, {"action": "inject", "dids": "data"})
    assert ack["variable_names"] == [] and "dids" in ack["error"] and shell.pushes == 0


def make_bridge(shell=None):
    manager, opened = FakeCommManager(), []

    def open_comm(target, data):
        comm = FakeComm(target)
        opened.append(comm)
        return comm

    bridge = KernelBridge(shell or FakeShell(), manager, open_comm)
    bridge.register()
    return bridge, manager, opened


def test_the_bridge_answers_on_the_comm_the_request_came_on():
    bridge, manager, _ = make_bridge()
    handler = manager.targets["rucio-jupyterlab:kernel"]
    request = inject_message(file_entry("data", "s:n", "/p"))

    in_open = FakeComm()
    handler(in_open, {"content": {"data": request}})  # new frontend: request in comm_open
    assert [m["variable_names"] for m in in_open.sent] == [["data"]]

    after_open = FakeComm()
    handler(after_open, {"content": {"data": {}}})  # existing frontend: open, then send
    assert after_open.sent == []
    after_open.receive(request)
    after_open.receive({"action": "something-else"})
    assert [m["variable_names"] for m in after_open.sent] == [["data"]]


def test_request_injection_opens_the_frontend_comm_lazily_and_reopens_after_close():
    bridge, _, opened = make_bridge()
    assert opened == []  # nothing is opened at load time
    bridge.request_injection()
    bridge.request_injection()
    assert len(opened) == 1 and opened[0].target == "rucio-jupyterlab:frontend"
    assert opened[0].sent == [{"action": "request-inject"}] * 2
    opened[0].receive(inject_message(file_entry("data", "s:n", "/p")))
    assert opened[0].sent[-1]["variable_names"] == ["data"]
    opened[0].close_callback({})
    bridge.request_injection()
    assert len(opened) == 2
    bridge.unregister()
    assert opened[1].closed
    with pytest.raises(RuntimeError):
        bridge.request_injection()


def test_after_unregistering_requests_are_ignored():
    bridge, manager, _ = make_bridge()
    comm = FakeComm()
    manager.targets["rucio-jupyterlab:kernel"](comm, {"content": {"data": {}}})
    bridge.unregister()
    assert "rucio-jupyterlab:kernel" not in manager.targets
    comm.receive(inject_message(file_entry("data", "s:n", "/p")))
    assert comm.sent == []


def test_an_unexpected_failure_is_answered_without_leaking_request_data(caplog):
    class BrokenShell(FakeShell):
        def push(self, values):
            raise OSError(f"cannot store {SIGNED_PFN}")

    logger = logging.getLogger("test.rucio.kernels")
    bridge = KernelBridge(BrokenShell(), FakeCommManager(), lambda t, d: FakeComm(t), logger)
    bridge.register()
    comm = FakeComm()
    with caplog.at_level(logging.DEBUG, logger="test.rucio.kernels"):
        bridge._on_comm_open(comm, {"content": {"data": inject_message(file_entry("data", "s:n", "/p", SIGNED_PFN))}})
    assert comm.sent[0]["error"] == "injection failed in the kernel (OSError)"
    assert caplog.records and all("SECRET" not in record.getMessage() for record in caplog.records)


def test_loading_outside_a_kernel_is_harmless_and_resolve_dids_explains_itself():
    class TerminalShell:
        pass

    stderr = io.StringIO()
    with redirect_stderr(stderr):
        extension.load_ipython_extension(TerminalShell())
    assert "needs a Jupyter kernel" in stderr.getvalue()
    extension.unload_ipython_extension(TerminalShell())
    with pytest.raises(RuntimeError, match="%load_ext rucio_jupyterlab.kernels.ipython"):
        extension.resolve_dids()
