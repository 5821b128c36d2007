"""Wheel build hook: marks the wheel as linux-x64 and adds the ``datalake`` launcher to its scripts.

The wheel carries self-contained linux-x64 .NET executables, so it must not claim to be pure Python
(``py3-none-any`` would let pip install it on macOS or ARM, where the backend cannot run).
Hatchling 1.12 (Debian 12) has no ``shared-scripts`` option, hence the explicit ``.data/scripts`` path.
"""

import os
import re

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PLATFORM_TAG = "py3-none-linux_x86_64"


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        build_data["pure_python"] = False
        build_data["tag"] = PLATFORM_TAG
        launcher = os.path.join(self.root, "scripts", "datalake")
        if not os.path.isfile(launcher):
            raise RuntimeError(f"the datalake launcher is missing from the staging folder: {launcher}")
        # Same normalisation hatchling applies to the wheel's file name and its .data folder.
        project_id = re.sub(r"[^\w\d.]+", "_", self.metadata.core.name, flags=re.UNICODE)
        data_dir = f"{project_id}-{self.metadata.version}.data"
        build_data["force_include"][launcher] = f"{data_dir}/scripts/datalake"
