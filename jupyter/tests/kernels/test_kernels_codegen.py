"""The code generator and request validation against the shared vectors (no kernel needed)."""

import random
import re

import pytest

from kernel_harness import load_vectors
from rucio_jupyterlab.kernels.codegen import (LANGUAGE_ADAPTERS, MECHANISM_COMM, MECHANISM_EXECUTE,
                                              UnsupportedLanguageError, adapter_for, generate_injection,
                                              r_string_literal)
from rucio_jupyterlab.kernels.protocol import ProtocolError

VECTORS = load_vectors()
R_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')


def decode_r_literal(literal: str) -> str:
    """The inverse of the escaping, written from R's rules, to prove the literal is unambiguous."""
    assert literal[0] == literal[-1] == '"'
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        character = body[i]
        assert character != '"', "an unescaped quote would end the literal"
        if character != "\\":
            out.append(character)
            i += 1
            continue
        kind = body[i + 1]
        if kind in '\\"':
            out.append(kind)
            i += 2
        elif kind in "uU":
            end = body.index("}", i)
            assert body[i + 2] == "{"
            out.append(chr(int(body[i + 3:end], 16)))
            i = end + 1
        else:
            raise AssertionError(f"unexpected escape \\{kind}")
    return "".join(out)


@pytest.mark.parametrize("case", VECTORS["r_string_literals"], ids=lambda c: repr(c["input"])[:30])
def test_r_string_literal_matches_the_vectors_and_round_trips(case):
    literal = r_string_literal(case["input"])
    assert literal == case["expected"]
    assert decode_r_literal(literal) == case["input"]


def test_r_string_literals_of_arbitrary_text_are_printable_ascii_and_round_trip():
    generator = random.Random(20240605)  # fixed seed: deterministic, but far more shapes than by hand
    alphabet = [chr(c) for c in range(1, 0x250)] + ["\u202e", "\ufeff", "\U0001F600", "\U0010FFFF", '"', "\\"]
    for _ in range(500):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 40)))
        literal = r_string_literal(text)
        assert all(0x20 <= ord(c) <= 0x7E for c in literal), literal
        assert decode_r_literal(literal) == text


@pytest.mark.parametrize("bad", ["a\x00b", "lone \ud800 high", "lone \udfff low"])
def test_r_string_literal_refuses_what_r_strings_cannot_hold(bad):
    with pytest.raises(ValueError):
        r_string_literal(bad)


@pytest.mark.parametrize("case", VECTORS["variable_names"], ids=lambda c: f"{c['language']}:{c['name']!r}"[:40])
def test_variable_names_follow_the_vectors(case):
    problem = adapter_for(case["language"]).check_name(case["name"])
    assert {"valid": problem is None, "code": None if problem is None else problem.code} == case["expected"]
    if problem is not None:
        assert problem.reason


@pytest.mark.parametrize("case", VECTORS["injections"], ids=lambda c: c["title"][:50])
def test_injections_match_the_vectors(case):
    result = generate_injection(case["language"], case["request"]).to_json()
    assert all(rejection["reason"] for rejection in result["rejected"])
    result["rejected"] = [{k: v for k, v in r.items() if k != "reason"} for r in result["rejected"]]
    del result["language"]
    assert result == case["expected"]


def test_generated_r_code_is_printable_ascii_with_data_only_inside_literals():
    """Replacing every literal by "" leaves the same program whatever the DIDs and paths hold."""
    hostile = next(c for c in VECTORS["injections"] if c["title"].startswith("hostile DIDs"))
    benign = _blank_strings(hostile["request"])
    hostile_code = generate_injection("R", hostile["request"]).code
    benign_code = generate_injection("R", benign).code
    assert all(0x20 <= ord(c) <= 0x7E or c == "\n" for c in hostile_code)
    assert R_LITERAL.sub('""', hostile_code) == R_LITERAL.sub('""', benign_code)
    assert "pwned" not in R_LITERAL.sub('""', hostile_code)


def _blank_strings(value, key=None):
    if isinstance(value, dict):
        return {k: _blank_strings(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_strings(v) for v in value]
    keep = key in ("action", "type", "variableName")
    return value if keep or not isinstance(value, str) else "x"


def test_adapters_are_looked_up_by_kernel_language_case_insensitively():
    assert adapter_for("python").mechanism == MECHANISM_COMM
    assert adapter_for(" Python ").mechanism == MECHANISM_COMM
    assert adapter_for("R").mechanism == MECHANISM_EXECUTE
    assert adapter_for("julia") is None
    assert set(LANGUAGE_ADAPTERS) == {"python", "r"}
    for adapter in LANGUAGE_ADAPTERS.values():
        assert (adapter.generate is not None) == (adapter.mechanism == MECHANISM_EXECUTE)
    with pytest.raises(UnsupportedLanguageError):
        generate_injection("c++", {"action": "inject", "dids": []})


@pytest.mark.parametrize("message", [
    None, [], {"dids": []}, {"action": "ack-inject", "dids": []}, {"action": "inject"},
    {"action": "inject", "dids": {"0": {}}}, {"action": "inject", "dids": [], "requestId": 3},
])
def test_requests_that_are_not_inject_requests_raise_protocol_error(message):
    with pytest.raises(ProtocolError):
        generate_injection("R", message)


def test_python_requests_generate_no_code_but_are_validated():
    result = generate_injection("python", {"action": "inject", "dids": [
        {"type": "file", "variableName": "lambda", "did": "s:n", "didAvailable": False, "files": None}]})
    assert result.code is None
    assert result.mechanism == MECHANISM_COMM
    assert [r.code for r in result.rejections] == ["reserved-name"]
