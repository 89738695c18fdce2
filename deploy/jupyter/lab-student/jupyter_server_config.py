# A student's JupyterLab (`make lab`): put this folder first on JUPYTER_CONFIG_PATH.
#   JUPYTER_CONFIG_PATH=deploy/jupyter/lab-student jupyter lab
# Nothing here touches the user's own ~/.jupyter. Its neighbours:
#   labconfig/page_config.json  hides nbgrader's instructor parts (formgrader, create assignment, course
#                               list, assignment list, the Nbgrader menu) and JupyterLab's news prompt
#                               (the announcements plugin asks on every fresh start even with news_url=None)
#   settings/overrides.json     default settings: code cells wrap long lines (a 165-word answer stays
#                               on screen), no news, no update check
# nbgrader's Validate button stays: students check a graded notebook with it.
from pathlib import Path

HERE = Path(__file__).resolve().parent

c.ServerApp.jpserver_extensions.update({  # noqa: F821 (c is traitlets' config object)
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": False,
})
c.LabApp.app_settings_dir = str(HERE / "settings")  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
