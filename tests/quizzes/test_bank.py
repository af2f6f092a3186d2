"""Question banks: course sync imports each quiz.gift idempotently and by version; GIFT import and export."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from lms.learning.models import Course
from lms.quizzes import bank
from lms.quizzes.gift import parse_gift
from lms.quizzes.models import Quiz, QuizQuestion
from tests.conftest import ROOT

DATA = ROOT / "tests" / "quizzes" / "data"
LAST = "service-recovery-last"


@pytest.fixture
def course_root(tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(ROOT / "courses", root)
    return root


def sync(root):
    from lms.learning.commands import sync_courses_now

    return sync_courses_now(root)


def get_course(db, slug: str) -> Course:
    return db.session.execute(select(Course).where(Course.slug == slug)).scalar_one()


def rows_of(db, course) -> list[tuple]:
    return db.session.execute(
        select(QuizQuestion.id, QuizQuestion.content_hash, QuizQuestion.version, QuizQuestion.archived,
               QuizQuestion.position).where(QuizQuestion.course_id == course.id).order_by(QuizQuestion.id)
    ).all()


def test_sync_stores_each_bank_with_principles_and_the_quiz(db, course_root):
    sync(course_root)
    course = get_course(db, LAST)
    parsed = parse_gift((course_root / LAST / "quiz.gift").read_text(encoding="utf-8"))
    live = bank.live_questions(course)
    assert [q.data for q in live] == parsed
    gate = next(q for q in live if q.name == "P02 P04 agent at the gate")
    assert gate.principles == ["P02", "P04"] and gate.category == "Service recovery/LAST" and gate.version == 1
    quiz = db.session.execute(select(Quiz).where(Quiz.course_id == course.id)).scalar_one()
    assert (quiz.title, quiz.pass_mark, quiz.attempts_allowed, quiz.time_limit_minutes, quiz.review, quiz.draw) == (
        "Service Recovery with LAST, check your understanding", 70.0, 3, 20, "after_each", [])


def test_resyncing_an_unchanged_bank_changes_nothing(db, course_root):
    sync(course_root)
    course = get_course(db, LAST)
    before = rows_of(db, course)
    module = course_root / LAST / "01-the-last-conversation.md"
    module.write_text(module.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    report = sync(course_root)
    assert LAST in report.updated  # the course changed, so its bank was offered again
    assert rows_of(db, course) == before


def test_an_edited_question_is_a_new_version_and_attempts_keep_the_old_one(db, course_root, make_employee):
    from lms.quizzes.assembly import get_quiz
    from lms.quizzes.attempts import start_attempt

    sync(course_root)
    course = get_course(db, LAST)
    attempt = start_attempt(make_employee(), get_quiz(course))
    db.session.commit()
    old = next(q for q in bank.live_questions(course) if q.name == "P03 seconds not days")
    slot = next(s for s in attempt.slots if s.question_id == old.id)
    gift = course_root / LAST / "quiz.gift"
    text = gift.read_text(encoding="utf-8")
    text = text.replace("ideally, recovery happens in seconds or minutes", "ideally, recovery happens within minutes")
    text = text[: text.index("::P04 outside our control::")]  # drops this question and the four after it
    gift.write_text(text, encoding="utf-8")
    sync(course_root)

    db.session.refresh(old)
    assert old.archived and old.archived_at is not None and "in seconds or minutes" in old.data["text"]
    new = next(q for q in bank.live_questions(course) if q.name == "P03 seconds not days")
    assert new.id != old.id and new.version == 2 and "within minutes" in new.data["text"]
    assert {q.name for q in bank.live_questions(course)}.isdisjoint({"P04 outside our control", "P09 why compensate"})
    db.session.refresh(slot)
    assert slot.question_id == old.id and slot.question.data["text"] == old.data["text"]

    shutil.copy(ROOT / "courses" / LAST / "quiz.gift", gift)  # put the bank back as it was
    sync(course_root)
    db.session.refresh(old)
    assert not old.archived and len(bank.live_questions(course)) == 16
    assert len(rows_of(db, course)) == 17  # the second version stays, archived


def test_import_and_export_cli_round_trip_a_real_bank(db, runner, course_root, tmp_path):
    sync(course_root)
    scratch = Course(slug="scratch", title="Scratch", kind="online")
    db.session.add(scratch)
    db.session.commit()
    exported = tmp_path / "last.gift"
    result = runner.invoke(args=["lms", "quiz", "export-gift", "--course", LAST, "-o", str(exported)])
    assert result.exit_code == 0, result.output
    assert "Wrote 16 questions" in result.stderr

    result = runner.invoke(args=["lms", "quiz", "import-gift", str(exported), "--course", "scratch"])
    assert result.exit_code == 0, result.output
    assert "16 added" in result.stdout
    original = [q.data for q in bank.live_questions(get_course(db, LAST))]
    assert [q.data for q in bank.live_questions(get_course(db, "scratch"))] == original

    again = runner.invoke(args=["lms", "quiz", "import-gift", str(exported), "--course", "scratch"])
    assert again.exit_code == 0 and "0 added" in again.stdout and "16 unchanged" in again.stdout
    stdout = runner.invoke(args=["lms", "quiz", "export-gift", "--course", "scratch", "-o", "-"])
    assert stdout.exit_code == 0 and stdout.stdout == exported.read_text(encoding="utf-8")


def test_import_cli_round_trips_every_question_type(db, runner, tmp_path):
    course = Course(slug="scratch", title="Scratch", kind="online")
    db.session.add(course)
    db.session.commit()
    result = runner.invoke(args=["lms", "quiz", "import-gift", str(DATA / "moodle_bank.gift"), "--course", "scratch"])
    assert result.exit_code == 0, result.output
    stored = [q.data for q in bank.live_questions(course)]
    assert {q["type"] for q in stored} == {"multichoice", "truefalse", "shortanswer", "numerical", "matching",
                                          "essay", "description"}
    assert stored == parse_gift((DATA / "moodle_bank.gift").read_text(encoding="utf-8"))
    out = tmp_path / "out.gift"
    assert runner.invoke(args=["lms", "quiz", "export-gift", "--course", "scratch", "-o", str(out)]).exit_code == 0
    assert parse_gift(out.read_text(encoding="utf-8")) == stored


def test_import_cli_refuses_a_broken_file_whole(db, runner, course_root):
    sync(course_root)
    course = get_course(db, LAST)
    before = rows_of(db, course)
    result = runner.invoke(args=["lms", "quiz", "import-gift", str(DATA / "broken.gift"), "--course", LAST])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "line 3: unclosed brace: '{' has no matching '}'"
    assert "line 11: matching pair without '->': 'Apologize'" in lines
    assert "line 15: a numerical question needs an answer" in lines
    assert sum(line.startswith("line ") for line in lines) == 9
    assert rows_of(db, course) == before


def test_import_cli_needs_a_known_course(db, runner):
    result = runner.invoke(args=["lms", "quiz", "import-gift", str(DATA / "moodle_bank.gift"), "--course", "nope"])
    assert result.exit_code != 0 and "No live course with the slug 'nope'" in result.output


# --------------------------------------------------------------------------- the admin upload page


@pytest.fixture
def admin(make_employee, login):
    person = make_employee(roles=("admin",))
    login(person)
    return person


def upload(client, course, path, **extra):
    with open(path, "rb") as handle:
        return client.post("/admin/quiz-banks", data={"course_id": str(course.id), "file": (handle, path.name),
                                                       "match_grades": "error", **extra},
                           content_type="multipart/form-data")


def test_upload_shows_a_preview_and_adds_only_on_confirmation(client, db, course_root, admin):
    sync(course_root)
    course = get_course(db, LAST)
    response = upload(client, course, DATA / "moodle_bank.gift")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    for name in ("P02 listen first", "P02 match", "P09 year", "P04 blame"):
        assert name in html
    assert "Add the questions to the bank" in html
    assert len(bank.live_questions(course)) == 16  # nothing yet

    response = client.post(preview_url + "/apply", follow_redirects=True)
    assert "12 added" in response.get_data(as_text=True)
    assert len(bank.live_questions(course)) == 28
    assert {q.origin for q in bank.live_questions(course) if q.name == "P09 year"} == {"import"}
    repeat = client.post(preview_url + "/apply", follow_redirects=True)
    assert "already applied or discarded" in repeat.get_data(as_text=True)
    assert len(bank.live_questions(course)) == 28


def test_upload_of_a_broken_file_lists_every_problem_and_stores_nothing(client, db, course_root, admin):
    sync(course_root)
    course = get_course(db, LAST)
    before = rows_of(db, course)
    response = upload(client, course, DATA / "broken.gift")
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "The file cannot be imported" in html and "Add the questions to the bank" not in html
    for line in (3, 7, 11, 15, 17, 19, 21, 23):
        assert f"line {line}: " in html
    assert client.post(preview_url + "/apply").status_code == 302
    assert rows_of(db, course) == before
    assert "discarded" in client.post(preview_url + "/discard", follow_redirects=True).get_data(as_text=True)


def test_upload_refuses_a_file_that_is_not_utf8(client, db, course_root, admin, tmp_path):
    sync(course_root)
    path = tmp_path / "latin1.gift"
    path.write_bytes("::q::Café ? {T}".encode("latin-1"))
    response = upload(client, get_course(db, LAST), path)
    assert response.status_code == 200 and "not UTF-8" in response.get_data(as_text=True)


@pytest.mark.parametrize("roles", [(), ("trainer",), ("lead_trainer",), ("leader",)])
def test_bank_pages_are_for_admins(client, db, course_root, make_employee, login, roles):
    sync(course_root)
    login(make_employee(roles=roles))
    assert client.get("/admin/quiz-banks").status_code == 403
    assert client.get(f"/admin/quiz-banks/{LAST}/export.gift").status_code == 403


def test_admin_downloads_a_bank_as_gift(client, db, course_root, admin):
    sync(course_root)
    response = client.get(f"/admin/quiz-banks/{LAST}/export.gift")
    assert response.status_code == 200
    assert parse_gift(response.get_data(as_text=True)) == [q.data for q in bank.live_questions(get_course(db, LAST))]
