"""Where the built frontend and the bundled settings live (overridable for relocated builds)."""

import json
import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.dirname(PACKAGE_DIR)


def app_dir():
    """The built app: static/ (bundles + index.html template), schemas/, themes/."""
    return os.environ.get("RUCIO_LAB_APP_DIR") or os.path.join(LAB_DIR, "app")


def settings_dir():
    """Holds overrides.json (default settings for tests and the demo) and page_config.json."""
    return os.path.join(PACKAGE_DIR, "settings")


def project_labextensions_dir():
    """Prebuilt extensions shipped with the project (the Rucio frontend is dropped here)."""
    return os.path.join(LAB_DIR, "labextensions")


def app_version():
    """The JupyterLab version the app was assembled from (package.json "jupyterlab.version")."""
    try:
        with open(os.path.join(app_dir(), "package.json"), encoding="utf-8") as f:
            return json.load(f).get("jupyterlab", {}).get("version", "")
    except (OSError, ValueError):
        return ""
