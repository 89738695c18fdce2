"""A whole class on the course's JupyterHub (deploy/jupyterhub), end to end, with real Linux users.

An instructor and three students are created as Linux users; the hub is started as `make hub` starts
it (install.sh, start.sh, jupyterhub_config.py); the instructor releases m1_frame; each student signs
in through the hub and fetches, fills and submits it: one in Chromium through the Assignments panel,
one over HTTP through their own server's nbgrader endpoints, one with the nbgrader CLI as themselves;
the instructor collects, autogrades with `course autograde`, generates feedback with `course feedback`
and releases it; each student fetches their own feedback. Along the way the permission rules are
proven by trying what must fail (a student reading another's home, the gradebook, the source with
solutions, the exchange's inbox and feedback box) next to what must succeed. Everything made is
removed at the end, users included, also when a step fails.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from tests.hub.conftest import hub_unavailable
from tests.hub.hubkit import COURSE_ID, REPO, Class, Session

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "m1_frame"
CHROMIUM = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium") or ""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "tests" / "artifacts"


REFLECTION = ("I would thank Priya for trusting me with the wish and say warmly but clearly that we will not "
              "meet outside our sessions. The frame keeps the hour hers; I hold more power, so a friendship could "
              "not be mutual and she might find it hard to say no later. Then I would invite her to explore what "
              "asking meant to her, since feeling known matters for someone with social anxiety. ({who})")


def student_answers(who: str) -> dict[str, str]:
    """grade_id -> what a student types: the key's letters for the items (so the score is not zero) and
    a reflection in their own words (a copy of the model answer would be caught by `course feedback`,
    which refuses feedback that carries solution text)."""
    nb = nbformat.read(str(REPO / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("solution"):
            continue
        gid = meta["grade_id"]
        if gid.startswith("answer_"):
            out[gid] = (f"# Type your reflection between the triple quotes. Do not delete the quotes.\n"
                        f'{gid} = """\n{REFLECTION.format(who=who)}\n"""\n')
        elif gid.startswith(("choice_", "multi_")):  # letters only: a right letter is no leak
            block = cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
            template = cell.source.split("### BEGIN SOLUTION", 1)[0].splitlines()[0]
            out[gid] = template + "\n" + block.strip() + "\n"
    assert out, "m1_frame has no answer cells"
    return out


def fill_over_http(sess: Session, answers: dict[str, str]) -> None:
    """The student's own server saves their answers into the fetched notebook (contents API)."""
    path = f"{COURSE_ID}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    r = sess.server("GET", f"/api/contents/{path}")
    assert r.status_code == 200, f"{sess.user.name} cannot open the fetched notebook: {r.status_code} {r.text[:200]}"
    model = r.json()
    filled = 0
    for cell in model["content"]["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
            filled += 1
    assert filled == len(answers), f"filled {filled} of {len(answers)} answer cells"
    r = sess.server("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json",
                                                          "content": model["content"]})
    assert r.status_code == 200, r.text[:300]


def page_config(sess: Session) -> dict:
    html = sess.server("GET", "/lab").text
    m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "no page config in the JupyterLab page"
    return json.loads(m.group(1))


def formgrader_enabled(sess: Session) -> bool:
    cfg = page_config(sess)
    disabled = cfg.get("disabledExtensions", [])
    lab_off = "@jupyter/nbgrader:formgrader" in disabled
    server_on = sess.server("GET", "/formgrader").status_code == 200
    assert lab_off != server_on, f"formgrader half on for {sess.user.name}: lab plugin off={lab_off}, server={server_on}"
    return server_on


def fails(result, what: str) -> None:
    assert result.returncode != 0, f"{what} should be refused, but it worked:\n{result.stdout[:500]}"
    assert "Permission denied" in result.stderr or "Operation not permitted" in result.stderr, \
        f"{what}: expected 'Permission denied', got: {result.stderr[:300]}"


def ok(result, what: str):
    assert result.returncode == 0, f"{what} failed (exit {result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def server_pid(user) -> int:
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if p.stat().st_uid == user.uid and b"jupyterhub-singleuser" in (p / "cmdline").read_bytes():
                    return int(p.name)
            except OSError:
                pass
    raise AssertionError(f"no server process for {user.name}")


def on_own_thread(fn, *args) -> None:
    """Run fn on a thread of its own and re-raise what it raised. In the same pytest session the
    browser tests keep a sync Playwright running on the main thread (tests/browser/conftest.py,
    session scope), and a second sync_playwright on that thread refuses ("Sync API inside the
    asyncio loop"); a new thread has no running loop."""
    import threading

    failure: list[BaseException] = []

    def run():
        try:
            fn(*args)
        except BaseException as e:  # noqa: BLE001 - handed back to the test's thread
            failure.append(e)

    t = threading.Thread(target=run, name="hub-browser-student")
    t.start()
    t.join()
    if failure:
        raise failure[0]


def browser_student(klass: Class, sess: Session, answers: dict[str, str]) -> None:
    """One student in Chromium: sign in on the hub's page, Assignments panel, Fetch, (fill), Submit."""
    from playwright.sync_api import expect, sync_playwright

    u = sess.user
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            page.set_default_timeout(90_000)
            page.goto(f"{klass.url}/hub/login")
            page.locator("#username_input").fill(u.name)
            page.locator("#password_input").fill(u.password)
            page.locator("#login_submit").click()
            page.wait_for_url(re.compile(rf"/user/{u.name}/lab"), timeout=180_000)
            expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=120_000)
            nbgrader_menu = page.get_by_role("menuitem", name="Nbgrader")
            nbgrader_menu.click()
            expect(page.get_by_role("menuitem", name="Assignment List")).to_be_visible()
            # the student's Nbgrader menu has no Formgrader
            expect(page.get_by_role("menuitem", name="Formgrader")).to_have_count(0)
            page.get_by_role("menuitem", name="Assignment List").click()
            released = page.locator("#released_assignments_list")
            expect(released).to_contain_text(ASSIGNMENT)
            released.get_by_role("button", name="Fetch").click()
            fetched = page.locator("#fetched_assignments_list")
            expect(fetched).to_contain_text(ASSIGNMENT)
            fill_over_http(sess, answers)
            fetched.get_by_role("button", name="Submit").first.click()
            expect(page.locator("#submitted_assignments_list")).to_contain_text(ASSIGNMENT)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "hub_student_assignments.png"))
        finally:
            browser.close()


def test_a_class_on_the_hub(tmp_path):
    reason = hub_unavailable()
    if reason:
        pytest.skip(reason)
    if not CHROMIUM:
        pytest.skip("Debian's chromium is missing (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

    klass = Class(tmp_path / "hub", n_students=3)
    try:
        _class_session(klass)
    finally:
        problems = klass.teardown()
        import pwd
        left = [u.name for u in klass.users if _exists(pwd, u.name)]
        assert not left, f"users left behind: {left}"
        assert not klass.state.exists(), f"{klass.state} left behind"
        assert not problems, problems


def _exists(pwd, name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _class_session(klass: Class) -> None:
    klass.setup()
    course, exchange, votes = klass.state / "course", klass.state / "exchange", klass.state / "votes"
    inst = klass.instructor
    s_browser, s_http, s_cli = klass.students

    # --- the instructor signs in; a wrong password does not ----------------------------------------
    assert Session(klass, inst).login("not-the-password").status_code == 403
    isess = Session(klass, inst)
    assert isess.login().status_code == 302
    isess.start_server()
    assert formgrader_enabled(isess), "the instructor's JupyterLab has no formgrader"

    # --- the instructor releases m1_frame ----------------------------------------------------------
    ok(inst.sh("course", "generate", ASSIGNMENT, cwd=course), "course generate")
    ok(inst.sh("nbgrader", "release_assignment", ASSIGNMENT, cwd=course), "nbgrader release_assignment")
    r = isess.server("GET", "/formgrader/api/assignments")
    assert r.status_code == 200 and any(a["name"] == ASSIGNMENT and a["status"] == "released" for a in r.json()), r.text[:500]

    # --- three students sign in; none has the formgrader -------------------------------------------
    sessions = {}
    for s in klass.students:
        sess = sessions[s.name] = Session(klass, s)
        assert sess.login().status_code == 302, f"{s.name} could not sign in"
        sess.start_server()
        assert not formgrader_enabled(sess), f"{s.name}'s JupyterLab has the formgrader"
        assert sess.server("GET", "/create_assignment").status_code == 404 or \
            "@jupyter/nbgrader:create-assignment" in page_config(sess).get("disabledExtensions", [])

    # HTTP: the Assignments panel's own endpoints on the student's server
    h = sessions[s_http.name]
    assert any(a["assignment_id"] == ASSIGNMENT for a in
               h.server("GET", "/assignments", params={"course_id": COURSE_ID}).json()["value"])
    assert h.nbgrader("fetch", ASSIGNMENT)["success"]
    fill_over_http(h, student_answers(s_http.name))
    assert h.nbgrader("submit", ASSIGNMENT)["success"]

    # CLI: nbgrader in the student's own account
    ok(s_cli.sh("nbgrader", "fetch_assignment", ASSIGNMENT, "--course", COURSE_ID), "student fetch (CLI)")
    fill_over_http(sessions[s_cli.name], student_answers(s_cli.name))
    ok(s_cli.sh("nbgrader", "submit", ASSIGNMENT, "--course", COURSE_ID), "student submit (CLI)")

    # Chromium: the Assignments panel
    on_own_thread(browser_student, klass, sessions[s_browser.name], student_answers(s_browser.name))

    # --- what students cannot read -----------------------------------------------------------------
    mine = f"{COURSE_ID}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    a, b = s_http, s_cli
    ok(a.sh("cat", str(a.home / mine)), "a student reading their own notebook")
    fails(a.sh("cat", str(b.home / mine)), "a student reading another's notebook")
    fails(a.sh("ls", str(b.home)), "a student listing another's home")
    fails(a.sh("ls", str(inst.home)), "a student listing the instructor's home")
    fails(a.sh("ls", str(course)), "a student listing the course folder")
    fails(a.sh("cat", str(course / "gradebook.db")), "a student reading the gradebook")
    fails(a.sh("cat", str(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")), "a student reading the source")
    fails(a.sh("ls", str(exchange / COURSE_ID / "inbound")), "a student listing the submissions inbox")
    ok(inst.sh("head", "-c", "16", str(course / "gradebook.db")), "the instructor reading the gradebook")

    # --- the seminar vote drop box and the limits, as the servers see them -------------------------
    pid = server_pid(a)
    environ = dict(kv.split(b"=", 1) for kv in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in kv)
    assert environ[b"COURSE_VOTE_DIR"] == str(votes).encode()
    shipped = Path(environ[b"COURSE_NOTEBOOKS"].decode())  # what `course workspace` copies from
    ok(a.sh("head", "-c", "16", str(shipped / "01_the_frame.ipynb")), "a student reading the shipped module")
    assert not (shipped / "instructor").exists(), "staff notebooks in the world-readable copy"
    st = votes.stat()
    assert oct(st.st_mode & 0o7777) == oct(0o1733) and st.st_uid == inst.uid
    # two students vote through the course's own code, as themselves; the instructor's tally counts
    # both and nothing in it names a voter
    cast = ("import sys; from course import votes; "
            "print(votes.cast(sys.argv[1], 'hub-seminar', 'transference/fixture', 'middle', sys.argv[2]).name)")
    ballot_a = ok(a.sh("python", "-c", cast, str(votes), "B"), "a student casting a vote").stdout.strip()
    ok(b.sh("python", "-c", cast, str(votes), "C"), "another student casting a vote")
    counted = ok(inst.sh("python", "-c", "import sys, json; from course import votes; "
                         "print(json.dumps(votes.tally(sys.argv[1], 'hub-seminar', 'transference/fixture', 'middle')))",
                         str(votes)), "the instructor counting the votes").stdout
    assert json.loads(counted) == {"B": 1, "C": 1}, counted
    assert a.name not in ballot_a and b.name not in ballot_a
    # the same student votes again from a new kernel (a restart, a second notebook): one vote each,
    # the newest
    time.sleep(0.05)
    ok(a.sh("python", "-c", cast, str(votes), "D"), "a student voting again after a restart")
    counted = ok(inst.sh("python", "-c", "import sys, json; from course import votes; "
                         "print(json.dumps(votes.tally(sys.argv[1], 'hub-seminar', 'transference/fixture', 'middle')))",
                         str(votes)), "the instructor counting again").stdout
    assert json.loads(counted) == {"D": 1, "C": 1}, counted
    fails(a.sh("ls", str(votes)), "a student listing the votes")
    # the drop box hides names (no listing) and protects ballots (sticky: nobody deletes another's)
    fails(b.sh("rm", "-f", str(votes / ballot_a)), "a student deleting another's vote")
    ok(inst.sh("ls", str(votes)), "the instructor listing the votes")

    # each learner's own copy of the notebooks, made by `course workspace` when their server started
    for s in klass.students:
        ok(s.sh("test", "-f", str(s.home / "therapeutic-relationship" / "modules" / "01_the_frame.ipynb")),
           f"{s.name}'s own copy of module 1 (course workspace at spawn)")
    fails(a.sh("ls", str(b.home / "therapeutic-relationship")), "a student listing another's notebooks")
    cgroups = Path(f"/proc/{pid}/cgroup").read_text()
    mem_cg = Path("/sys/fs/cgroup/memory/jupyterhub") / a.name
    if mem_cg.is_dir():  # cgroup v1 (this machine)
        assert f"/jupyterhub/{a.name}" in cgroups, cgroups
        assert int((mem_cg / "memory.limit_in_bytes").read_text()) == 1024 ** 3
        assert str(pid) in (mem_cg / "cgroup.procs").read_text().split()
    elif Path("/sys/fs/cgroup/cgroup.controllers").exists():  # cgroup v2
        assert f"/jupyterhub/{a.name}" in cgroups, cgroups
        assert (Path("/sys/fs/cgroup/jupyterhub") / a.name / "memory.max").read_text().strip() == str(1024 ** 3)

    # --- the instructor collects, autogrades, gives feedback ---------------------------------------
    ok(inst.sh("nbgrader", "collect", ASSIGNMENT, cwd=course), "nbgrader collect")
    for s in klass.students:
        assert (course / "submitted" / s.name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists(), f"{s.name} not collected"
    ok(inst.sh("course", "autograde", ASSIGNMENT, "--jobs", "1", cwd=course), "course autograde")
    subs = isess.server("GET", f"/formgrader/api/submissions/{ASSIGNMENT}").json()
    scored = {x["student"]: (x["score"], x["max_score"]) for x in subs if x.get("autograded")}
    assert set(scored) == {s.name for s in klass.students}, subs
    assert all(score > 0 for score, _ in scored.values()), scored
    ok(inst.sh("course", "feedback", ASSIGNMENT, cwd=course), "course feedback")
    ok(inst.sh("nbgrader", "release_feedback", ASSIGNMENT, cwd=course), "nbgrader release_feedback")

    # --- each student fetches their own feedback, and only theirs ----------------------------------
    assert sessions[s_browser.name].nbgrader("fetch_feedback", ASSIGNMENT)["success"]
    assert h.nbgrader("fetch_feedback", ASSIGNMENT)["success"]
    ok(s_cli.sh("nbgrader", "fetch_feedback", ASSIGNMENT, "--course", COURSE_ID), "student fetch_feedback (CLI)")
    pages = {}
    for s in klass.students:
        found = sorted((s.home / COURSE_ID / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
        assert found, f"{s.name} got no feedback"
        pages[s.name] = found[-1]
        assert found[-1].stat().st_uid == s.uid
    fails(a.sh("cat", str(pages[b.name])), "a student reading another's feedback")
    fails(a.sh("ls", str(exchange / COURSE_ID / "feedback")), "a student listing the feedback box")
    fails(a.sh("cat", str(course / "feedback" / b.name / ASSIGNMENT / f"{ASSIGNMENT}.html")),
          "a student reading another's feedback in the course folder")
