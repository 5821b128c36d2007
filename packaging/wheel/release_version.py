"""Prints the release version (jupyter/pyproject.toml) after checking that everything else agrees with it.

Usage: release_version.py REPO [--labextension DIR]

Checked: jupyter/package.json (the frontend), rucio_jupyterlab.__version__ and, with --labextension, the
built labextension's package.json. The .NET assemblies, the dotnet tool and the hub wheel take the version
from here at build time, so they cannot disagree. Exits 1 with one line per mismatch.
"""

import argparse
import json
import os
import re
import sys
import tomllib


def pyproject_version(repo: str) -> str:
    with open(os.path.join(repo, "jupyter", "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]["version"]


def package_json_version(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return json.load(f).get("version", "")


def python_package_version(repo: str) -> str:
    # Read, not imported: importing would need jupyter-server on this interpreter's path.
    with open(os.path.join(repo, "jupyter", "rucio_jupyterlab", "__init__.py"), encoding="utf-8") as f:
        match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', f.read(), re.MULTILINE)
    return match.group(1) if match else ""


def main(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("--labextension")
    args = parser.parse_args(argv)

    version = pyproject_version(args.repo)
    others = {
        "jupyter/package.json": package_json_version(os.path.join(args.repo, "jupyter", "package.json")),
        "jupyter/rucio_jupyterlab/__init__.py __version__": python_package_version(args.repo),
    }
    if args.labextension:
        others[f"{args.labextension}/package.json"] = package_json_version(
            os.path.join(args.labextension, "package.json")
        )
    mismatches = [f"{where} says {found!r}" for where, found in others.items() if found != version]
    for mismatch in mismatches:
        print(f"version mismatch: jupyter/pyproject.toml says {version!r} but {mismatch}", file=sys.stderr)
    if mismatches:
        return 1
    print(version)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
