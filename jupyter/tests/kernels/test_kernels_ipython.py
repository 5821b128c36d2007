"""The IPython extension in real Debian ipykernel kernels, driven like a frontend drives them."""

import json

import pytest

from kernel_harness import (FIRST_FILE_BYTES, HOSTILE_DID, HOSTILE_ERROR, HOSTILE_FILE_BYTES, HOSTILE_PFN,
                            HOSTILE_PYTHON_NAME, HOSTILE_R_NAME, HOSTILE_STATUS, SECOND_FILE_BYTES, KernelSession,
                            collection_entry, file_entry, inject_message, load_vectors, pwned_markers, replies_on)
from rucio_jupyterlab.kernels.codegen import PYTHON_LOAD_EXTENSION_CODE

KERNEL_TARGET = "rucio-jupyterlab:kernel"
FRONTEND_TARGET = "rucio-jupyterlab:frontend"
EXTENSION = "rucio_jupyterlab.kernels.ipython"
# Lists the user namespace without adding to it (no import, no assignment).
LIST_USER_NAMES = ("print(__import__('json').dumps(sorted(k for k in get_ipython().user_ns "
                   "if not k.startswith('_'))))")


@pytest.fixture(scope="module")
def kernel(python_kernel: KernelSession) -> KernelSession:
    python_kernel.run(f"%load_ext {EXTENSION}")
    return python_kernel


def inject_old_style(session: KernelSession, message: dict) -> dict:
    """The existing frontend: open a comm without data, send the request, close the comm."""
    comm = session.open_comm(KERNEL_TARGET)
    assert not comm.closed_by_kernel, "the kernel has no rucio-jupyterlab:kernel target"
    answered = comm.send(message)
    comm.close()
    (ack,) = replies_on(answered, comm.comm_id)
    return ack


def inject_new_style(session: KernelSession, message: dict) -> dict:
    """This project's frontend: the request travels in comm_open; the ack comes on the same comm."""
    comm = session.open_comm(KERNEL_TARGET, message)
    (ack,) = replies_on(comm.opened, comm.comm_id)
    comm.close()
    return ack


def user_names(session: KernelSession) -> list:
    return json.loads(session.run(LIST_USER_NAMES))


def test_a_file_and_a_collection_become_paths_with_pfns(kernel, data_files):
    ack = inject_old_style(kernel, inject_message(
        file_entry("data", "user.root:first", str(data_files.first), "root://xrd1:1094//rucio/first"),
        collection_entry("dataset", "user.root:ds", [
            {"path": str(data_files.first), "pfn": "root://xrd1:1094//rucio/first"},
            {"path": str(data_files.second), "pfn": None, "did": "user.root:second"}])))
    assert ack["action"] == "ack-inject" and ack["variable_names"] == ["data", "dataset"] and ack["rejected"] == []

    output = kernel.run("print(open(data, 'rb').read().hex())\n"
                        "print(open(dataset[1], 'rb').read().hex())\n"
                        "print(data.pfn, data.did, data.path == data, isinstance(data, str), data.did_available)\n"
                        "print(dataset.did, len(dataset), dataset.pfn, dataset[1].did, isinstance(dataset, list))")
    lines = output.splitlines()
    assert bytes.fromhex(lines[0]) == FIRST_FILE_BYTES
    assert bytes.fromhex(lines[1]) == SECOND_FILE_BYTES
    assert lines[2] == "root://xrd1:1094//rucio/first user.root:first True True True"
    assert lines[3] == "user.root:ds 2 ['root://xrd1:1094//rucio/first', None] user.root:second True"


def test_the_request_can_travel_in_comm_open_and_is_acknowledged_with_its_id(kernel, data_files):
    ack = inject_new_style(kernel, inject_message(
        file_entry("opened", "user.root:first", str(data_files.first), mode="download"), request_id="req-42"))
    assert ack == {"action": "ack-inject", "variable_names": ["opened"], "rejected": [], "requestId": "req-42"}
    assert kernel.run("print(opened.mode, opened == %r)" % str(data_files.first)) == "download True\n"


def test_an_unavailable_did_fails_clearly_and_is_replaced_when_it_becomes_available(kernel, data_files):
    ack = inject_new_style(kernel, inject_message(file_entry("later", "user.root:later", None, status="REPLICATING")))
    assert ack["variable_names"] == ["later"]

    shown = kernel.execute("later")
    (result,) = [m for m in shown.messages if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == \
        "<Rucio file DID user.root:later: not available yet (status: REPLICATING)>"

    failed = kernel.execute("open(later)")
    assert failed.status == "error" and failed.error["ename"] == "DIDNotAvailableError"
    assert "user.root:later" in failed.error["evalue"] and "REPLICATING" in failed.error["evalue"]

    messages = kernel.run(
        "for use in (str, __import__('os').fspath, lambda x: f'{x}', list, lambda x: [f for f in x]):\n"
        "    try:\n"
        "        use(later)\n"
        "        print('no error')\n"
        "    except Exception as error:\n"
        "        print(type(error).__name__, '|', error)\n"
        "print(later.did_available, bool(later), later.status)").splitlines()
    assert len(messages) == 6 and messages[-1] == "False False REPLICATING"
    for line in messages[:-1]:
        assert line.startswith("DIDNotAvailableError | Rucio DID user.root:later")
        assert "REPLICATING" in line and "None" not in line

    # Replicating -> Available: the frontend re-sends and the same name now holds the path.
    inject_new_style(kernel, inject_message(file_entry("later", "user.root:later", str(data_files.first))))
    assert bytes.fromhex(kernel.run("print(open(later, 'rb').read().hex())")) == FIRST_FILE_BYTES


def test_hostile_names_dids_and_paths_are_never_executed(kernel, data_files):
    ack = inject_new_style(kernel, inject_message(
        file_entry(HOSTILE_PYTHON_NAME, "user.root:a", str(data_files.first)),
        file_entry(HOSTILE_R_NAME, "user.root:b", str(data_files.first)),
        file_entry("__import__", "user.root:c", str(data_files.first)),
        file_entry("import", "user.root:d", str(data_files.first)),
        file_entry("hostile", HOSTILE_DID, str(data_files.hostile), HOSTILE_PFN),
        collection_entry("hostile_coll", HOSTILE_DID, [{"path": str(data_files.hostile), "pfn": HOSTILE_PFN,
                                                        "did": HOSTILE_DID}]),
        file_entry("hostile_later", HOSTILE_DID, None, status=HOSTILE_STATUS, error=HOSTILE_ERROR)))
    assert ack["variable_names"] == ["hostile", "hostile_coll", "hostile_later"]
    assert [(r["index"], r["code"]) for r in ack["rejected"]] == [
        (0, "invalid-name"), (1, "invalid-name"), (2, "reserved-name"), (3, "reserved-name")]

    values = json.loads(kernel.run(
        "import json\n"
        "try:\n"
        "    open(hostile_later)\n"
        "except Exception as error:\n"
        "    later_error = str(error)\n"
        "print(json.dumps([hostile.did, hostile.pfn, hostile.path, open(hostile, 'rb').read().hex(),\n"
        "                  hostile_coll[0].did, open(hostile_coll[0], 'rb').read().hex(), later_error]))"))
    assert values[:3] == [HOSTILE_DID, HOSTILE_PFN, str(data_files.hostile)]
    assert bytes.fromhex(values[3]) == HOSTILE_FILE_BYTES == bytes.fromhex(values[5])
    assert values[4] == HOSTILE_DID
    assert HOSTILE_DID in values[6] and HOSTILE_STATUS in values[6] and HOSTILE_ERROR in values[6]
    assert pwned_markers(kernel.cwd) == []
    assert "__import__" not in kernel.run("print(type(__import__).__name__)")  # builtin untouched


def test_the_shared_python_vectors_are_acknowledged_as_specified(kernel):
    for case in (c for c in load_vectors()["injections"] if c["language"] == "python"):
        ack = inject_new_style(kernel, case["request"])
        expected = case["expected"]
        assert ack["variable_names"] == expected["variable_names"], case["title"]
        assert [{k: r[k] for k in ("index", "variableName", "did", "code")} for r in ack["rejected"]] == \
            expected["rejected"], case["title"]
    assert pwned_markers(kernel.cwd) == []


def test_malformed_requests_and_unknown_actions_are_handled(kernel):
    comm = kernel.open_comm(KERNEL_TARGET, {"action": "inject", "dids": "not a list"})
    (ack,) = replies_on(comm.opened, comm.comm_id)
    assert ack["variable_names"] == [] and '"dids" must be a list' in ack["error"]
    assert replies_on(comm.send({"action": "no-such-action"}), comm.comm_id) == []
    comm.close()


def test_resolve_dids_asks_the_frontend_over_a_lazily_opened_comm(kernel, data_files):
    call = f"__import__({EXTENSION!r}, fromlist=['resolve_dids']).resolve_dids()"
    first = kernel.execute(call)
    assert first.status == "ok"
    (opened,) = first.comm_messages("comm_open")
    assert opened["target_name"] == FRONTEND_TARGET
    assert replies_on(first, opened["comm_id"]) == [{"action": "request-inject"}]

    # The frontend answers on that comm; the kernel acknowledges on it too.
    answered = kernel.send_comm(opened["comm_id"], inject_message(
        file_entry("requested", "user.root:first", str(data_files.first))))
    assert replies_on(answered, opened["comm_id"])[0]["variable_names"] == ["requested"]

    again = kernel.execute(call)
    assert again.comm_messages("comm_open") == []  # reused
    assert replies_on(again, opened["comm_id"]) == [{"action": "request-inject"}]

    kernel.close_comm(opened["comm_id"])  # e.g. the frontend was reloaded
    reopened = kernel.execute(call)
    (new_comm,) = reopened.comm_messages("comm_open")
    assert new_comm["comm_id"] != opened["comm_id"]
    assert bytes.fromhex(kernel.run("print(open(requested, 'rb').read().hex())")) == FIRST_FILE_BYTES


def test_loading_registers_the_target_only_and_unloading_removes_it(spare_python_kernel, data_files):
    session = spare_python_kernel
    assert session.open_comm(KERNEL_TARGET).closed_by_kernel  # no target before loading

    names_before = user_names(session)
    loaded = session.execute(f"%load_ext {EXTENSION}")
    assert loaded.status == "ok" and loaded.comm_messages() == []  # no comm opened at load time
    assert user_names(session) == names_before  # nothing pushed into the namespace

    inject_old_style(session, inject_message(file_entry("data", "user.root:first", str(data_files.first))))
    assert user_names(session) == sorted(names_before + ["data"])

    assert session.execute(f"%unload_ext {EXTENSION}").status == "ok"
    assert session.open_comm(KERNEL_TARGET).closed_by_kernel
    assert session.run("print(data.did)") == "user.root:first\n"  # attached values stay


def test_a_restart_clears_variables_and_a_silent_bootstrap_reloads_the_extension(spare_python_kernel, data_files):
    session = spare_python_kernel
    session.run(f"%reload_ext {EXTENSION}")
    inject_new_style(session, inject_message(file_entry("data", "user.root:first", str(data_files.first))))

    session.restart()
    gone = session.execute("data")
    assert gone.status == "error" and gone.error["ename"] == "NameError"
    assert session.open_comm(KERNEL_TARGET).closed_by_kernel  # %load_ext does not survive a restart

    for _ in range(2):  # the second run is a no-op, as when the profile already loads it
        bootstrap = session.execute(PYTHON_LOAD_EXTENSION_CODE, silent=True, store_history=False)
        assert bootstrap.status == "ok" and bootstrap.visible_outputs == []
    ack = inject_new_style(session, inject_message(file_entry("data", "user.root:first", str(data_files.first))))
    assert ack["variable_names"] == ["data"]
    assert bytes.fromhex(session.run("print(open(data, 'rb').read().hex())")) == FIRST_FILE_BYTES


def test_the_extension_configured_in_the_profile_is_active_after_a_restart(configured_python_kernel, data_files):
    session = configured_python_kernel
    request = inject_message(file_entry("data", "user.root:first", str(data_files.first), "root://xrd1//first"))
    assert inject_new_style(session, request)["variable_names"] == ["data"]  # no %load_ext anywhere
    session.restart()
    assert session.execute("data").error["ename"] == "NameError"
    assert inject_new_style(session, request)["variable_names"] == ["data"]
    assert session.run("print(data.pfn)") == "root://xrd1//first\n"
