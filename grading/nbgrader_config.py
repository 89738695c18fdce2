# nbgrader configuration for The Therapeutic Relationship (nbgrader 0.9).
#
# This folder is the nbgrader course root: source/ holds the graded assignments, rubrics/ the
# instructor-only answer keys and reflection rubrics (never released). Everything generated
# (release/, submitted/, autograded/, feedback/, exchange/, gradebook.db) is git-ignored.
# Run nbgrader from this folder, or use the `course` command (generate, feedback, review,
# check-release), which loads this file wherever it is run from.
# See docs/grading-pipeline.md for the why of each setting.
import os

c = get_config()  # noqa: F821  (injected by traitlets)
_here = os.path.dirname(os.path.abspath(__file__))

# --- where things live ----------------------------------------------------------------------
c.CourseDirectory.course_id = "therapeutic-relationship"
c.CourseDirectory.root = _here
# nbgrader's default exchange (/usr/local/share/nbgrader/exchange) is not writable on most
# machines; keep it inside the course root for single-machine use.
c.Exchange.root = os.path.join(_here, "exchange")
c.Exchange.cache = os.path.join(_here, "exchange", ".cache")
try:
    os.makedirs(c.Exchange.cache, exist_ok=True)  # nbgrader refuses a missing exchange folder
except OSError:
    pass  # a read-only course can still be reviewed and exported; release/submit will say what is wrong

# --- the released notebook ------------------------------------------------------------------
# Answer cells keep their template line (answer_1 = """ """) above the solution block, so the
# solution block is replaced by nothing rather than by `raise NotImplementedError()`.
c.ClearSolutions.code_stub = {"python": ""}

# --- autograde ------------------------------------------------------------------------------
# Answer notebooks only hold literals; 10 s per cell is generous and bounds an infinite loop.
c.Execute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", "10"))
c.Execute.interrupt_on_timeout = True
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40
# A deleted test cell is put back from the gradebook. (Locked cells and test cells that were
# edited are restored by nbgrader anyway.) No test cell depends on a read-only cell: every
# score is computed from the answer cells' source, so a deleted instruction cell cannot zero
# a later test.
c.OverwriteCells.add_missing_cells = True
# nbgrader's OverwriteCells aborts a student's grading when a grade cell AND its neighbour were
# deleted, or when a cell's grade_id was edited; RestoreCells (a subclass) handles both.
c.Autograde.sanitize_preprocessors = [
    "course.grading.pipeline.NoteSubmittedContent",   # what the notebook carried: a review reason
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "course.grading.pipeline.RestoreCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# No student code runs during autograde. Scores come from the submitted SOURCE, read by the
# grader's process, never from what a kernel printed (course/grading/pipeline.py):
#   ConfinedExecute  takes the place of nbgrader's Execute: for answer-template assignments (all of
#                    the course's) no kernel is started at all; an assignment whose answer key says
#                    `execute: true` runs confined (bubblewrap: no network, no course files, limits),
#                    or is refused where confinement is unavailable; never unconfined
#   ScoreFromSource  replace each test cell's outputs with the score computed from the source
#   RecordReview     after SaveAutoGrades: needs_manual_grade + review sidecar for `course review`
#   SanitizeNotebook last: the autograded notebook (shown by formgrader, turned into feedback)
#                    carries no student-controlled script (course/grading/sanitize.py)
c.Autograde.autograde_preprocessors = [
    "course.grading.pipeline.ConfinedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "course.grading.pipeline.ScoreFromSource",
    "nbgrader.preprocessors.SaveAutoGrades",
    "course.grading.pipeline.RecordReview",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "course.grading.sanitize.SanitizeNotebook",
]

# --- late submissions -----------------------------------------------------------------------
# A due date is set per assignment in the gradebook (docs/cohort-grading.md, "Due dates"):
#   nbgrader db assignment add m1_frame --duedate="2026-11-20 17:00:00 UTC"   (in this folder)
# Without a due date nothing is late. nbgrader's own LateSubmissionPlugin applies the penalty to a
# notebook submitted after it (its timestamp.txt): "zero" gives a late notebook 0 points; "none"
# records the lateness and leaves the score (the grader decides). Choose with COURSE_LATE_PENALTY.
c.AssignLatePenalties.plugin_class = "nbgrader.plugins.LateSubmissionPlugin"
c.LateSubmissionPlugin.penalty_method = os.environ.get("COURSE_LATE_PENALTY", "zero")

# --- feedback -------------------------------------------------------------------------------
# nbgrader keeps hidden tests in feedback unless told otherwise (issues 917, 1363).
# Feedback and formgrader render notebooks with nbconvert's HTMLExporter: sanitize_html makes it
# clean Markdown and HTML outputs once more (a second layer behind SanitizeNotebook, which also
# covers autograded notebooks made before it existed).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    # after a manual score (formgrader or the review workbench) the feedback shows that score and the
    # comments that match it, not the scorer's first reading (course/grading/feedback.py)
    "course.grading.feedback.ReconcileFeedback",
    "nbgrader.preprocessors.ClearHiddenTests",
    "course.grading.sanitize.SanitizeNotebook",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.HTMLExporter.sanitize_html = True
# Only the feedback itself goes back to students: the review notes written next to each autograded
# notebook stay with the instructor (`course feedback` also removes anything else from feedback/).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".course-review.json"]
