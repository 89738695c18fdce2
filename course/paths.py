"""Where things live. One place, so that tests and tools agree."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CONTENT_DIR = PACKAGE_DIR / "content"
VIGNETTES_DIR = CONTENT_DIR / "vignettes"
QUESTIONS_DIR = CONTENT_DIR / "questions"
CODES_FILE = CONTENT_DIR / "codes.yml"
CONCEPTS_FILE = CONTENT_DIR / "concepts.yml"
MODULES_FILE = CONTENT_DIR / "modules.yml"

# The repository checkout (only meaningful for an editable install / a clone).
REPO_ROOT = PACKAGE_DIR.parent
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
GRADING_DIR = REPO_ROOT / "grading"
RUBRICS_DIR = GRADING_DIR / "rubrics"
