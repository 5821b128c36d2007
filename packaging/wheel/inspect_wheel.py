"""Checks that a built rucio_jupyterlab wheel holds every part operators rely on, and prints a summary.

Usage: inspect_wheel.py WHEEL      Exits 1 listing what is missing.
"""

import os
import sys
import zipfile

EXECUTABLE_BITS = 0o111


def summarize(wheel_path: str) -> int:
    name = os.path.basename(wheel_path)
    distribution, version = name.split("-")[:2]
    data = f"{distribution}-{version}.data"
    with zipfile.ZipFile(wheel_path) as wheel:
        infos = {info.filename: info for info in wheel.infolist()}

    def mode(path):
        return (infos[path].external_attr >> 16) & 0o7777

    required = {
        "server extension": "rucio_jupyterlab/__init__.py",
        "kernel extension": "rucio_jupyterlab/kernels/__init__.py",
        "backend executable": "rucio_jupyterlab/backend/Rucio.JupyterLab.Server",
        "datalake CLI executable": "rucio_jupyterlab/backend/datalake",
        "datalake launcher script": f"{data}/scripts/datalake",
        "server enablement file": f"{data}/data/etc/jupyter/jupyter_server_config.d/rucio_jupyterlab.json",
        "labextension manifest": f"{data}/data/share/jupyter/labextensions/rucio-jupyterlab/package.json",
    }
    problems = [f"missing {what}: {path}" for what, path in required.items() if path not in infos]
    for what in ("backend executable", "datalake CLI executable", "datalake launcher script"):
        path = required[what]
        if path in infos and not mode(path) & EXECUTABLE_BITS:
            problems.append(f"{what} is not executable in the wheel: {path}")
    labextension_prefix = f"{data}/data/share/jupyter/labextensions/rucio-jupyterlab/static/"
    if not any(p.startswith(labextension_prefix) and "remoteEntry." in p for p in infos):
        problems.append(f"no remoteEntry.*.js under {labextension_prefix}")

    def group_size(prefix):
        members = [i for p, i in infos.items() if p.startswith(prefix)]
        return len(members), sum(i.file_size for i in members), sum(i.compress_size for i in members)

    print(f"{name}: {os.path.getsize(wheel_path) / 1e6:.1f} MB, {len(infos)} files")
    for label, prefix in (
        ("backend + CLI (.NET, self-contained)", "rucio_jupyterlab/backend/"),
        ("labextension", f"{data}/data/share/jupyter/labextensions/"),
    ):
        count, raw, packed = group_size(prefix)
        print(f"  {label}: {count} files, {raw / 1e6:.1f} MB installed, {packed / 1e6:.1f} MB in the wheel")
    python_files = [p for p in infos if p.startswith("rucio_jupyterlab/") and p.endswith(".py")]
    print(f"  python modules: {len(python_files)}")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(summarize(sys.argv[1]))
