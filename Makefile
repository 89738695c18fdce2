# The Therapeutic Relationship: every target is a thin line over the real tools.
#   make lab    create .venv if missing, install the course, open a student's JupyterLab on the start
#               notebook in the learner's own copy of the notebooks (course workspace; docs/students.md)
#   make read   the same notebooks as code-free pages (Voila): text and widgets only
#   make grade  an instructor's JupyterLab on grading/, with nbgrader's formgrader
#   make test   create/update .venv if needed, run the whole test suite
#   make kernel add the course's kernel, "The Therapeutic Relationship", to the kernel list of any other
#               Jupyter of this user (JupyterLab Desktop, VS Code, another environment's JupyterLab)
#   make lock   refresh constraints.txt (the exact versions installed) from pyproject.toml, with uv,
#               and the hub's lock (deploy/jupyterhub/hub-constraints.txt: the course plus its hub extra)
# Installs take the exact versions in constraints.txt, so a semester's students get what the tests ran on.
# Another interpreter gets its own venv:  make test PYTHON=python3.13 VENV=build/venv-3.13
PYTHON ?= python3
VENV   ?= .venv
LOCK   := constraints.txt
HUB_LOCK := deploy/jupyterhub/hub-constraints.txt
UV     ?= uv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# Nothing leaves the machine: no news feed, no update check.
OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)
# JupyterLab's configuration for each role lives in the repository (never in ~/.jupyter):
STUDENT_LAB    := $(abspath deploy/jupyter/lab-student)
INSTRUCTOR_LAB := $(abspath deploy/jupyter/lab-instructor)
# The learner's own copy of the notebooks; empty: `course workspace` picks it (COURSE_WORKSPACE, else
# the learner's data folder). make lab and make read make it or bring it up to date first.
WORKSPACE ?=
READ_PORT ?= 8866
GRADING   ?= grading
WORKSPACE_DIR = $$($(BIN)/course workspace --print-dir $(if $(WORKSPACE),--dest "$(WORKSPACE)"))

# `make test PYTHON=python3.13` with a .venv made by another Python would silently test the old one.
ifeq ($(origin PYTHON),command line)
VENV_CHECK = @want=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
  have=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
  [ "$$want" = "$$have" ] || { echo "$(VENV) was made with Python $$have, not $$want ($(PYTHON)). Give it its own venv: make $@ PYTHON=$(PYTHON) VENV=build/venv-$$want"; exit 2; }
endif

.PHONY: lab read test bench validate grade clean-grading help lock kernel

help:
	@echo "make lab    start the course (JupyterLab on your own copy of the notebooks, at Start here)"
	@echo "make read   the readings, vignettes and self-checks as pages without code (Voila)"
	@echo "make grade  the instructor's JupyterLab on grading/ with formgrader"
	@echo "make kernel add 'The Therapeutic Relationship' to the kernels of your other Jupyter apps"
	@echo "make test   run the whole test suite"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make lock   refresh constraints.txt and the hub's lock from pyproject.toml (needs uv; LOCK_ARGS=--upgrade moves every pin)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Install a newer Python, or run: make PYTHON=python3.12 lab")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[test]"
	@touch $(STAMP)

lab: $(STAMP)
	$(VENV_CHECK)
	@ws=$(WORKSPACE_DIR) && cd "$$ws" && \
	JUPYTER_CONFIG_PATH="$(STUDENT_LAB)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  "$(abspath $(BIN))/jupyter" lab 00_start_here.ipynb --port=$(PORT) $(OFFLINE) $(ROOT_FLAG) $(LAB_ARGS)

# Voila's pages served by a Jupyter server (token-protected, and the browser opens with the token;
# standalone `voila --token` opens it without one), in the student's configuration.
read: $(STAMP)
	$(VENV_CHECK)
	@ws=$(WORKSPACE_DIR) && cd "$$ws" && \
	JUPYTER_CONFIG_PATH="$(STUDENT_LAB)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  "$(abspath $(BIN))/jupyter" server --port=$(READ_PORT) --ServerApp.default_url=/voila/tree \
	  --VoilaConfiguration.strip_sources=True --VoilaConfiguration.show_tracebacks=False \
	  --VoilaConfiguration.classic_tree=True $(ROOT_FLAG) $(READ_ARGS)

grade: $(STAMP)
	$(VENV_CHECK)
	cd "$(GRADING)" && JUPYTER_CONFIG_PATH="$(INSTRUCTOR_LAB)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  "$(abspath $(BIN))/jupyter" lab --port=$(PORT) $(OFFLINE) $(ROOT_FLAG) $(LAB_ARGS)

# A kernelspec in the user's Jupyter data folder that starts this venv's Python (ipykernel's own
# installer). Notebooks opened elsewhere show, in their first cell, which kernel to pick and this
# command (tools/notebook_src/kernel_check.py, which holds the two names).
KERNEL_NAME    := therapeutic-relationship
KERNEL_DISPLAY := The Therapeutic Relationship
kernel: $(STAMP)
	$(BIN)/python -m ipykernel install --user --name $(KERNEL_NAME) --display-name "$(KERNEL_DISPLAY)"

test: $(STAMP)
	$(VENV_CHECK)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python bench/run_all.py

validate: $(STAMP)
	$(BIN)/course validate

# One lock for every supported Python (--universal): markers pick the right pin per interpreter.
# The hub's environment (the course with its `hub` extra, no test tools) gets a lock of its own,
# held to the same versions as constraints.txt (-c) so the hub runs what the tests ran on.
lock:
	@command -v $(UV) >/dev/null 2>&1 || { echo "make lock needs uv: pip install uv (or UV=/path/to/uv)"; exit 2; }
	$(UV) pip compile pyproject.toml --extra test --universal --python-version 3.11 --quiet \
	  --custom-compile-command "make lock" $(LOCK_ARGS) -o $(LOCK)
	$(UV) pip compile pyproject.toml --extra hub --universal --python-version 3.11 --quiet -c $(LOCK) \
	  --custom-compile-command "make lock" $(LOCK_ARGS) -o $(HUB_LOCK)

clean-grading:
	rm -rf grading/release grading/submitted grading/autograded grading/feedback grading/gradebook.db

# --- the course on JupyterHub, for a whole class on one server (docs/jupyterhub.md) ------------------
#   sudo make hub   install what is missing (Node, configurable-http-proxy, the course's environment
#                   in /opt/therapeutic-relationship/venv), then start the hub on 127.0.0.1:8000.
# Needs a roster: /etc/therapeutic-relationship/roster.json (or HUB_ROSTER=FILE), like
# deploy/jupyterhub/roster.example.json. HUB_ARGS are passed to jupyterhub.
HUB_ROSTER ?= /etc/therapeutic-relationship/roster.json
HUB_PORT   ?= 8000
.PHONY: hub hub-install
hub-install:
	bash deploy/jupyterhub/install.sh
hub: hub-install
	TR_HUB_ROSTER="$(HUB_ROSTER)" TR_HUB_PORT="$(HUB_PORT)" bash deploy/jupyterhub/start.sh $(HUB_ARGS)
