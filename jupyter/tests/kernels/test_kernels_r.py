"""The R adapter in a real IRkernel: generated code, run silently, defines the variables."""

from typing import Dict, List

from kernel_harness import (FIRST_FILE_BYTES, HOSTILE_DID, HOSTILE_ERROR, HOSTILE_FILE_BYTES, HOSTILE_PFN,
                            HOSTILE_R_NAME, HOSTILE_STATUS, KernelSession, collection_entry, file_entry,
                            inject_message, load_vectors, pwned_markers)
from rucio_jupyterlab.kernels.codegen import GeneratedInjection, generate_injection, r_string_literal
from rucio_jupyterlab.kernels.protocol import DEFAULT_UNAVAILABLE_STATUS, DUPLICATE_NAME

# Test-side inspection (run visibly, inside local() so it defines nothing): one tab-separated line
# per variable, every string hex-encoded as UTF-8 so that hostile characters survive the trip.
DESCRIBE = r'''local({
  hex <- function(s) if (is.na(s)) "NA" else paste(as.character(charToRaw(enc2utf8(s))), collapse = "")
  describe <- function(name) {
    if (!exists(name, envir = globalenv(), inherits = FALSE)) return("missing")
    if (bindingIsActive(name, globalenv())) {
      caught <- tryCatch({ get(name, envir = globalenv()); NULL }, rucio_did_not_available = function(e) e)
      if (is.null(caught)) return("unavailable-without-error")
      return(paste("unavailable", hex(conditionMessage(caught)), hex(caught$did), hex(caught$status), sep = "\t"))
    }
    value <- get(name, envir = globalenv())
    paste("available", paste(class(value), collapse = "/"), hex(attr(value, "did")),
          isTRUE(attr(value, "did_available")), paste(vapply(value, hex, ""), collapse = ","),
          paste(vapply(attr(value, "pfn"), hex, ""), collapse = ","), sep = "\t")
  }
  for (name in c(NAMES)) cat(hex(name), "\t", describe(name), "\n", sep = "")
})'''


def unhex(text: str):
    return None if text == "NA" else bytes.fromhex(text).decode("utf-8")


def unhex_list(text: str) -> List:
    return [] if text == "" else [unhex(item) for item in text.split(",")]


def describe(session: KernelSession, names: List[str]) -> Dict[str, List]:
    code = DESCRIBE.replace("NAMES", ", ".join(r_string_literal(name) for name in names))
    described = {}
    for line in session.run(code).splitlines():
        hex_name, kind, *fields = line.split("\t")
        name = unhex(hex_name)
        if kind == "available":
            described[name] = [kind, fields[0], unhex(fields[1]), fields[2] == "TRUE",
                               unhex_list(fields[3]), unhex_list(fields[4])]
        elif kind == "unavailable":
            described[name] = [kind] + [unhex(field) for field in fields]
        else:
            described[name] = [kind]
    assert sorted(described) == sorted(names)
    return described


def inject_r(session: KernelSession, message: dict) -> GeneratedInjection:
    """What the frontend does for an R kernel: a silent execute_request of the generated code."""
    injection = generate_injection("R", message)
    assert injection.code is not None
    exchange = session.execute(injection.code, silent=True, store_history=False)
    assert exchange.status == "ok", exchange.error
    assert quiet(exchange)
    return injection


def quiet(exchange) -> bool:
    # IRkernel echoes execute_input even for silent requests; notebooks do not display it.
    return [m for m in exchange.visible_outputs if m["msg_type"] != "execute_input"] == []


def expected_description(entry: dict) -> List:
    """What an entry of the request must become, derived from the request alone (not the generator)."""
    if entry["didAvailable"]:
        files = entry["files"]
        return ["available", "character", entry["did"], True, [f["path"] for f in files],
                [f.get("pfn") for f in files]]
    return ["unavailable", entry["did"], entry.get("status") or DEFAULT_UNAVAILABLE_STATUS]


def assert_described_as_requested(described: Dict[str, List], request: dict, names: List[str]) -> None:
    pending = set(names)
    for entry in request["dids"]:
        if not isinstance(entry, dict) or entry.get("variableName") not in pending:
            continue
        pending.discard(entry["variableName"])  # a later duplicate of the name was rejected
        name, actual, expected = entry["variableName"], described[entry["variableName"]], expected_description(entry)
        if expected[0] == "available":
            assert actual == expected, name
        else:
            kind, message, did, status = actual
            assert [kind, did, status] == expected, name
            assert did in message and status in message and f"'{name}'" in message
            assert entry.get("error") is None or entry["error"] in message
    assert pending == set()


def visible_names(session: KernelSession) -> List[str]:
    return session.run('cat(ls(globalenv(), all.names = TRUE), sep = "\\n")').split()


def test_generated_code_defines_character_vectors_with_attributes(r_kernel, data_files):
    names_before = visible_names(r_kernel)
    count_before = r_kernel.execute("invisible(0)").reply["content"]["execution_count"]
    request = inject_message(
        file_entry("data", "user.root:first", str(data_files.first), "root://xrd1:1094//first", mode="replica"),
        collection_entry("dataset", "user.root:ds", [
            {"path": str(data_files.first), "pfn": "root://xrd1:1094//first"},
            {"path": str(data_files.second), "pfn": None}]),
        file_entry("later", "user.root:later", None, status="REPLICATING"))
    injection = inject_r(r_kernel, request)
    assert injection.variable_names == ["data", "dataset", "later"]
    assert visible_names(r_kernel) == sorted(names_before + ["data", "dataset", "later"])
    # Silent: the user's cell numbering does not move.
    assert r_kernel.execute("invisible(0)").reply["content"]["execution_count"] == count_before + 2

    assert_described_as_requested(describe(r_kernel, injection.variable_names), request, injection.variable_names)
    text = r_kernel.run('cat(readLines(data[1], encoding = "UTF-8"), sep = "\\n")')
    assert text.rstrip("\n").encode("utf-8") == FIRST_FILE_BYTES.rstrip(b"\n")
    raw = r_kernel.run('cat(paste(as.character(readBin(dataset[2], "raw", 1000)), collapse = ""))')
    assert bytes.fromhex(raw) == data_files.second.read_bytes()
    assert r_kernel.run('cat(attr(data, "pfn"), is.na(attr(dataset, "pfn")[2]), length(dataset))') == \
        "root://xrd1:1094//first TRUE 2"


def test_an_unavailable_did_errors_clearly_and_becomes_a_path_when_reinjected(r_kernel, data_files):
    inject_r(r_kernel, inject_message(file_entry("pending", "user.root:pending", None, status="REPLICATING")))
    failed = r_kernel.execute("readLines(pending)")
    assert failed.status == "error"
    shown = f"{failed.error.get('ename')} {failed.error.get('evalue')} {' '.join(failed.error.get('traceback', []))}"
    assert "user.root:pending" in shown and "REPLICATING" in shown and "NULL" not in shown

    inject_r(r_kernel, inject_message(file_entry("pending", "user.root:pending", str(data_files.first))))
    assert r_kernel.run('cat(bindingIsActive("pending", globalenv()), readLines(pending, n = 1))') == \
        "FALSE first file: line one"


def test_every_shared_r_vector_behaves_as_specified_in_real_r(r_kernel):
    for case in (c for c in load_vectors()["injections"] if c["language"] == "R"):
        injection = generate_injection("R", case["request"])
        assert injection.code == case["expected"]["code"], case["title"]
        if injection.code is None:
            continue
        exchange = r_kernel.execute(injection.code, silent=True, store_history=False)
        assert exchange.status == "ok" and quiet(exchange), (case["title"], exchange.error)
        rejected = [r.variable_name for r in injection.rejections
                    if r.variable_name and r.code != DUPLICATE_NAME]
        described = describe(r_kernel, injection.variable_names + rejected)
        assert_described_as_requested(described, case["request"], injection.variable_names)
        assert all(described[name] == ["missing"] for name in rejected), case["title"]
    assert pwned_markers(r_kernel.cwd) == []


def test_hostile_inputs_are_inert_and_a_hostile_file_name_is_readable(r_kernel, data_files):
    request = inject_message(
        file_entry(HOSTILE_R_NAME, "user.root:a", str(data_files.first)),
        file_entry("hostile", HOSTILE_DID, str(data_files.hostile), HOSTILE_PFN),
        file_entry("hostile_later", HOSTILE_DID, None, status=HOSTILE_STATUS, error=HOSTILE_ERROR))
    injection = inject_r(r_kernel, request)
    assert injection.variable_names == ["hostile", "hostile_later"]
    assert [r.code for r in injection.rejections] == ["invalid-name"]
    assert_described_as_requested(describe(r_kernel, injection.variable_names), request, injection.variable_names)
    assert r_kernel.run("cat(readLines(hostile[1]))") == HOSTILE_FILE_BYTES.decode().strip()
    assert pwned_markers(r_kernel.cwd) == []


def test_a_restart_clears_the_variables_and_reinjection_restores_them(r_kernel, data_files):
    request = inject_message(file_entry("data", "user.root:first", str(data_files.first), "root://xrd1//first"))
    inject_r(r_kernel, request)
    r_kernel.restart()
    assert r_kernel.run('cat(exists("data", envir = globalenv(), inherits = FALSE))') == "FALSE"
    inject_r(r_kernel, request)
    assert r_kernel.run('cat(readLines(data[1], n = 1), attr(data, "pfn"), sep = "|")') == \
        "first file: line one|root://xrd1//first"


def test_injection_works_even_if_the_workspace_redefines_base_functions(r_kernel, data_files):
    r_kernel.run('c <- structure <- assign <- exists <- function(...) stop("hijacked")')
    try:
        inject_r(r_kernel, inject_message(file_entry("mine", "user.root:first", str(data_files.first))))
        assert r_kernel.run('cat(attr(mine, "did"), readLines(mine, n = 1), sep = "|")') == \
            "user.root:first|first file: line one"
    finally:
        r_kernel.run("rm(c, structure, assign, exists)")
