"""Regenerate the graded notebooks and their answer keys from one content file.

    python tools/build_assignments.py            # rewrites grading/source/<a>/<a>.ipynb and
                                                 # grading/rubrics/items/<a>.yml
    python tools/build_assignments.py --out DIR  # writes the same tree under DIR (used by the
                                                 # test that keeps committed files in step)

The notebook and its answer key are written together so that item ids, points and options can
never drift apart. The anchor reflection's prompt comes from grading/rubrics/reflections/.
Edit tools/assignment_content.py, run this, and commit both the content and the outputs.
"""
import argparse
import json
import sys
import textwrap
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from assignment_content import ASSIGNMENTS  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
OUT = REPO

def md(src, gid=None):
    c = nbformat.v4.new_markdown_cell(src)
    if gid:
        c.metadata["nbgrader"] = {"grade": False, "grade_id": gid, "locked": True, "schema_version": 3,
                                  "solution": False, "task": False}
    return c

def answer_cell(src, gid):
    c = nbformat.v4.new_code_cell(src)
    c.metadata["nbgrader"] = {"grade": False, "grade_id": gid, "locked": False, "schema_version": 3,
                              "solution": True, "task": False}
    return c

def check_cell(src, gid, points):
    c = nbformat.v4.new_code_cell(src)
    c.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": True, "points": points,
                              "schema_version": 3, "solution": False, "task": False}
    return c

HIDDEN = ('### BEGIN HIDDEN TESTS\n'
          '# The course grader replaces this result with the score it computes from your answer text.\n'
          '0.0\n'
          '### END HIDDEN TESTS')

def self_check(num, call):
    """A locked self-check cell: one import and one call; the logic is course/selfcheck.py.

    It reads the answer cell's text as last run (what the grader will read), never the variable,
    and under nbgrader's Validate a blank or unreadable answer fails the cell with a plain message.
    The import is in every check cell so that each one works alone after a kernel restart."""
    return (f"# Self-check for question {num}: can the grader read your answer? (It does not grade it.)\n"
            "from course.selfcheck import check_answer\n"
            f"{call}\n")


def closing(aid):
    return textwrap.dedent(f"""\
        ## Before you submit

        1. Run every cell from the top: menu **Run > Run All Cells**. Each self-check should show a green box
           saying the grader can read your answer. A yellow box names what to fix in that question.
        2. Save: **Ctrl+S** (Cmd+S on a Mac), or menu **File > Save Notebook**.
        3. If your notebook has a **Validate** button in its toolbar, press it. It runs the same checks in a fresh
           copy of the notebook: **Success** means every answer can be read; otherwise it lists the questions
           to fix. (It checks that answers can be read, not whether they are right.)

        ## How to submit

        Your instructor tells you which of these two ways your course uses.

        **Upload to your course website** (Canvas, Moodle, Blackboard or similar):

        1. After saving, menu **File > Download**. Your browser saves `{aid}.ipynb`, usually in your
           Downloads folder. Keep that name.
        2. On the course website, open this assignment, choose **Submit** or **Upload**, pick `{aid}.ipynb`
           and confirm. Upload the `.ipynb` file itself, not a PDF or a screenshot: the grader reads the file.

        **Submit in JupyterHub, from the Assignments list:**

        1. After saving, menu **File > Close and Shut Down Notebook**.
        2. Open the list of assignments: menu **Nbgrader > Assignment List** (on some hubs it is the
           **Assignments** tab of the home page).
        3. Under **Downloaded assignments**, find `{aid}` and click **Submit**. It then appears under
           **Submitted assignments** with the date and time. You may submit again before the deadline; the
           latest submission is the one graded.""")


SETUP = (
    "# Setup: run this cell first (Shift+Enter). It checks that this Jupyter has the course's helper\n"
    "# package, and says which ethics code the feedback on your reflection can cite first.\n"
    "try:\n"
    "    from course.grading.mycode import setup\n"
    "except ImportError:\n"
    "    class CourseNotInstalled(Exception):\n"
    "        def _render_traceback_(self):  # Jupyter shows this plain message instead of a traceback\n"
    "            return [str(self)]\n"
    "    raise CourseNotInstalled(\n"
    "        \"This notebook needs the course's Python package (therapeutic-relationship-course), and this \"\n"
    "        \"Jupyter does not have it, so the self-checks cannot run.\\n\"\n"
    "        \"* On your own computer: open the course folder and start Jupyter with 'make lab' (it installs \"\n"
    "        \"the package), or in a terminal in the course folder run 'pip install -e .', then reopen this \"\n"
    "        \"notebook.\\n\"\n"
    "        \"* On your school's JupyterHub: tell your instructor that the hub needs the package \"\n"
    "        \"therapeutic-relationship-course installed.\\n\"\n"
    "        \"You can still type your answers and submit them: the grader reads what you typed.\") from None\n"
    "setup()\n")

# The learner's ethics code travels in the submission (course/grading/mycode.py): a plain,
# editable cell (no nbgrader metadata: it is not graded), read from its source by the grader.
MY_CODE = (
    "# Optional: which ethics code should the feedback on your reflection cite first? Type one between\n"
    "# the quotes: \"show all\", \"ACA\", \"APA\", \"NASW\", \"AAMFT\" or \"BACP\". It changes no score.\n"
    "my_code = \"show all\"\n")


def q(s):  # a Python string literal
    return json.dumps(s, ensure_ascii=False)

def build(aid, a):
    n = a["number"]
    cells = []
    rubric = yaml.safe_load((REPO / "grading/rubrics/reflections" / f"{a['question']}.yml").read_text())
    total = 4 + sum(it["points"] for it in a["items"])
    cells.append(md(textwrap.dedent(f"""\
        # Graded assignment {n}: {a['title']}

        **How to answer (no programming needed).** This notebook has {1 + len(a['items'])} questions worth {total} points.
        Under each question there is a grey **answer cell**. Type your answer in it exactly where it says, then press
        **Shift+Enter** to run the cell, and run the **self-check** cell below it.

        * First run the **setup** cell below (Shift+Enter). The cell after it (`my_code`) is optional: it says which
          profession's ethics code the feedback on your reflection cites first.
        * For the written reflection: **type between the triple quotes `\"\"\"` and do not delete the quotes.**
        * For letter questions: type the letter(s) **between the quotes**, as each answer cell shows.
        * Do not rename the answer (`answer_1`, `choice_2`, ...) and do not add other code to answer cells.
        * The self-check tells you whether the grader can read your answer as you last ran it (after any change,
          run the answer cell again, then its self-check). Your grade is worked out after you submit, from what you
          typed, and a person reads any answer the automatic scorer is unsure about.
        * The reflection asks about a counselor in a case, never about your own history.
        * **A red error box after running an answer cell** (it may say `SyntaxError`) means a quotation mark was
          deleted or one was added inside your text. Put the template back as it was: the name, `=`, three quotes,
          your text, three quotes. Your typed text is still there; nothing is lost.

        When you are done, the last section of this notebook says how to submit it.""")
        + (f"\n\n*Content note: {a['content_note']}*" if a.get("content_note") else ""), gid="instructions"))
    setup = nbformat.v4.new_code_cell(SETUP)
    setup.metadata["nbgrader"] = {"grade": False, "grade_id": "setup", "locked": True, "schema_version": 3,
                                  "solution": False, "task": False}
    cells.append(setup)
    my_code = nbformat.v4.new_code_cell(MY_CODE)
    my_code.id = "my-code"
    cells.append(my_code)
    # --- item 1: the anchor reflection
    cells.append(md(f"## Question 1 (4 points): reflection\n\n{rubric['prompt']}", gid="question_1"))
    cells.append(answer_cell(
        '# Type your reflection between the triple quotes. Do not delete the quotes.\n'
        'answer_1 = """\n\n"""\n'
        '### BEGIN SOLUTION\n'
        f'answer_1 = """\n{a["model"]}\n"""\n'
        '### END SOLUTION', "answer_1"))
    cells.append(check_cell(self_check(1, 'check_answer("answer_1")') + HIDDEN, "answer_1-check", 4))
    keyed = []
    keyed.append({"id": "answer_1", "kind": "reflection", "question": a["question"], "points": 4})
    for it in a["items"]:
        num = it["id"].split("_")[1]
        kind, var = it["kind"], it["id"]
        head = f"## Question {num} ({it['points']} point{'s' if it['points'] != 1 else ''})\n\n{it['prompt']}\n\n"
        if kind in ("single", "multiple"):
            body = "\n".join(f"* **{k}.** {v}" for k, v in it["options"].items())
            letters = list(it["options"])
        elif kind == "matching":
            body = "\n".join(f"* **{k}.** {v}" for k, v in it["statements"].items())
            body += "\n\nChoose from: " + ", ".join(f"`{c}`" for c in it["categories"]) + "."
        else:
            body = "\n".join(f"* **{k}.** {v}" for k, v in it["steps"].items())
            letters = list(it["steps"])
        cells.append(md(head + body, gid=f"question_{num}"))
        if kind == "single":
            ex = next(l for l in letters if l != it["answer"])
            tmpl = (f'# Type ONE letter between the quotes, for example: {var} = "{ex}"\n{var} = ""\n')
            sol = f'{var} = {q(it["answer"])}\n'
            check = f'check_answer("{var}", options={q("".join(letters))})'
        elif kind == "multiple":
            ex = ", ".join(l for l in letters[-2:])
            assert sorted(letters[-2:]) != sorted(it["answer"])
            tmpl = (f'# Type the letters of EVERY option that applies, separated by commas, for example: {var} = "{ex}"\n{var} = ""\n')
            sol = f'{var} = {q(", ".join(it["answer"]))}\n'
            check = f'check_answer("{var}", options={q("".join(letters))})'
        elif kind == "matching":
            keys = list(it["statements"])
            exk = keys[-1]
            exc = next(c for c in it["categories"] if c != it["answer"][exk])
            tmpl = (f'# After each letter, type one of the choices between the quotes, for example "{exk}": "{exc}"\n'
                    f'{var} = {{' + ", ".join(f'"{k}": ""' for k in keys) + '}\n')
            sol = f'{var} = {{' + ", ".join(f'"{k}": {q(v)}' for k, v in it["answer"].items()) + '}\n'
            cats = [c.lower().replace(" ", "").replace("-", "") for c in it["categories"]]
            stm = "".join(keys) if all(len(k) == 1 for k in keys) else keys
            check = f'check_answer("{var}", statements={q(stm)}, choices={q(it["categories"])})'
        else:
            assert list(reversed(letters)) != it["answer"]
            tmpl = (f'# Type ALL the step letters in your order, separated by commas, for example: {var} = "{", ".join(reversed(letters))}"\n{var} = ""\n')
            sol = f'{var} = {q(", ".join(it["answer"]))}\n'
            check = f'check_answer("{var}", steps={q("".join(letters))})'
        cells.append(answer_cell(tmpl + "### BEGIN SOLUTION\n" + sol + "### END SOLUTION", var))
        cells.append(check_cell(self_check(num, check) + HIDDEN,
                                f"{var}-check", it["points"]))
        entry = {"id": var, "kind": kind, "points": it["points"]}
        if kind in ("single", "multiple"):
            entry["options"] = letters
        if kind == "ordering":
            entry["steps"] = letters
        if kind == "matching":
            entry["categories"] = it["categories"]
        entry["answer"] = it["answer"]
        entry["concepts"] = it.get("concepts", [])
        if it.get("codes"):
            entry["codes"] = it["codes"]
        keyed.append(entry)
    cells.append(md(closing(aid), gid="closing"))
    for c in cells:  # stable cell ids, so regenerating does not churn the diff
        if "nbgrader" in c.metadata:
            c.id = c.metadata["nbgrader"]["grade_id"].replace("_", "-")
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    out = OUT / "grading/source" / aid / f"{aid}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    nbformat.write(nb, str(out))
    key = {"assignment": aid, "notebook": aid, "module": a["module"], "items": keyed}
    head = ("# Answer key for " + aid + " (instructor material: never released).\n"
            "# Format and scoring rules: course/grading/items.py. Generated with the assignment notebook;\n"
            "# keep ids and points in step with grading/source/" + aid + "/" + aid + ".ipynb.\n")
    ky = OUT / "grading/rubrics/items" / f"{aid}.yml"
    ky.parent.mkdir(parents=True, exist_ok=True)
    ky.write_text(head + yaml.safe_dump(key, sort_keys=False, allow_unicode=True, width=100))
    print("wrote", out, ky)

def main(argv=None) -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO, help="root to write under (default: the repository)")
    OUT = parser.parse_args(argv).out
    for aid, a in ASSIGNMENTS.items():
        build(aid, a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
