"""Recomputes the "expected" fields of vectors.json from the Python implementation.

Run it only after an intended change of the generated code, then review the diff line by line:
the vectors are the contract the TypeScript port is tested against, and the R kernel tests
check every vector's behaviour in a real R.

    /usr/bin/python3 jupyter/tests/kernels/update_vectors.py
"""

import json
import sys
from pathlib import Path
from typing import Any, Dict

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from rucio_jupyterlab.kernels.codegen import adapter_for, generate_injection, r_string_literal  # noqa: E402

VECTORS_FILE = HERE / "vectors.json"


def expected_injection(language: str, request: Any) -> Dict[str, Any]:
    result = generate_injection(language, request).to_json()
    # The reason sentences are for people; implementations agree on the codes.
    result["rejected"] = [{k: v for k, v in r.items() if k != "reason"} for r in result["rejected"]]
    del result["language"]
    return result


def expected_name(language: str, name: str) -> Dict[str, Any]:
    adapter = adapter_for(language)
    assert adapter is not None, language
    problem = adapter.check_name(name)
    return {"valid": problem is None, "code": None if problem is None else problem.code}


def main() -> None:
    vectors = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
    for case in vectors["r_string_literals"]:
        case["expected"] = r_string_literal(case["input"])
    for case in vectors["variable_names"]:
        case["expected"] = expected_name(case["language"], case["name"])
    for case in vectors["injections"]:
        case["expected"] = expected_injection(case["language"], case["request"])
    # ensure_ascii keeps hostile characters visible (and unambiguous) in reviews.
    VECTORS_FILE.write_text(json.dumps(vectors, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
