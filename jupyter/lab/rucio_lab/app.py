"""The LabServerApp that serves the npm-built JupyterLab 4 frontend."""

import os

from jupyter_core.paths import jupyter_config_dir
from jupyterlab_server import LabServerApp
from traitlets import Unicode, default

from . import paths
from .hub import hub_page_config


class RucioLabApp(LabServerApp):
    name = "rucio_lab"
    app_name = "JupyterLab"
    extension_url = "/lab"
    default_url = Unicode("/lab", help="Where / redirects to.").tag(config=True)
    load_other_extensions = True
    file_url_prefix = "/lab/tree"

    @property
    def app_namespace(self):
        # The stock namespace, so state keys and commands match what extensions expect of JupyterLab.
        return "jupyterlab"

    @default("app_version")
    def _default_app_version(self):
        return paths.app_version()

    @default("static_dir")
    def _default_static_dir(self):
        return os.path.join(paths.app_dir(), "static")

    @default("templates_dir")
    def _default_templates_dir(self):
        # The build writes index.html (a Jinja template) next to the bundles.
        return os.path.join(paths.app_dir(), "static")

    @default("schemas_dir")
    def _default_schemas_dir(self):
        return os.path.join(paths.app_dir(), "schemas")

    @default("themes_dir")
    def _default_themes_dir(self):
        return os.path.join(paths.app_dir(), "themes")

    @default("app_settings_dir")
    def _default_app_settings_dir(self):
        return paths.settings_dir()

    @default("user_settings_dir")
    def _default_user_settings_dir(self):
        return os.path.join(jupyter_config_dir(), "lab", "user-settings")

    @default("workspaces_dir")
    def _default_workspaces_dir(self):
        return os.path.join(jupyter_config_dir(), "lab", "workspaces")

    @default("extra_labextensions_path")
    def _default_extra_labextensions_path(self):
        # Searched before the standard jupyter_path("labextensions") entries
        # ($JUPYTER_DATA_DIR/labextensions, sys.prefix/share/jupyter/labextensions, ...).
        return [paths.project_labextensions_dir()]

    def initialize_settings(self):
        super().initialize_settings()
        if not os.path.isfile(os.path.join(self.static_dir, "index.html")):
            raise RuntimeError(f"the JupyterLab frontend is not built ({self.static_dir}); run jupyter/lab/build")
        for directory in (self.user_settings_dir, self.workspaces_dir):
            os.makedirs(directory, exist_ok=True)

    def initialize_handlers(self):
        page_config = self.serverapp.web_app.settings.setdefault("page_config_data", {})
        # The keys jupyterlab's own LabApp adds; there is no build system or extension manager here.
        page_config.update(
            buildAvailable=False,
            buildCheck=False,
            devMode=False,
            exposeAppInBrowser=True,
            quitButton=False,
            notebookStartsKernel=self.notebook_starts_kernel,
            token=_server_token(self.serverapp),
        )
        page_config.update(
            hub_page_config(self.serverapp.web_app.settings, getattr(self.serverapp, "server_name", None))
        )
        super().initialize_handlers()


def _server_token(serverapp):
    """The token the frontend sends with API requests (jupyter-server 2 keeps it on the identity provider)."""
    identity_provider = getattr(serverapp, "identity_provider", None)
    token = getattr(identity_provider, "token", None)
    return token if token is not None else getattr(serverapp, "token", "")
