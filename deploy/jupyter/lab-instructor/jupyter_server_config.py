# An instructor's JupyterLab (`make grade`, on the grading folder): nbgrader complete, formgrader
# included. Put this folder first on JUPYTER_CONFIG_PATH. Its neighbours switch off JupyterLab's news
# prompt (labconfig/page_config.json) and make code cells wrap long lines (settings/overrides.json).
from pathlib import Path

HERE = Path(__file__).resolve().parent

c.LabApp.app_settings_dir = str(HERE / "settings")  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
