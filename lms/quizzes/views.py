"""Quiz pages: a course's quiz, taking and reviewing attempts, essay marking, statistics, GIFT uploads."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from lms.core.errors import DomainError, NotFound
from lms.core.forms import choices
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.learning.models import Course
from lms.learning.progress import find_enrolment, get_course
from lms.org.forms import ConfirmForm
from lms.quizzes import assembly, attempts, bank, marking, qtypes, queries
from lms.quizzes.forms import AttemptPageForm, BankUploadForm, MarkEssayForm, answers_from
from lms.quizzes.text import render_text

bp = Blueprint("quizzes", __name__)

STAFF = (Role.TRAINER, Role.LEAD_TRAINER, Role.ADMIN)
nav_item("Essay marking", "quizzes.marking_queue", *marking.MARKER_ROLES, order=42)
nav_item("Quiz statistics", "quizzes.statistics_index", *STAFF, order=43)
nav_item("Question banks", "quizzes.bank_upload", Role.ADMIN, order=62)


@bp.app_template_filter("question_text")
def _question_text(text: str, text_format: str = "moodle", inline: bool = False):
    return render_text(text, text_format, inline)


def _course_and_quiz(slug: str):
    """The live course, its quiz and the current user's enrolment; 404 for learners not enrolled."""
    course = get_course(slug)
    enrolment = find_enrolment(current_user, course)
    if enrolment is None and not current_user.has_any_role(*STAFF):
        raise NotFound(N_("No such course."))
    return course, assembly.get_quiz(course), enrolment


def _my_attempt(attempt_id: int):
    """The current user's attempt (anyone else's is a 404), closed first if its time ran out."""
    attempt = attempts.get_attempt(attempt_id, current_user)
    if attempt.is_open and attempts.is_past_grace(attempt, utcnow()):
        attempts.close_attempt(attempt, utcnow(), timed_out=True)
        db.session.commit()
        flash(gettext("Time ran out. Your attempt was graded on the answers saved in time."), "warning")
    return attempt


# --------------------------------------------------------------------------- learners


@bp.route("/courses/<slug>/quiz")
@roles_required(Role.LEARNER)
def quiz_page(slug: str):
    course, quiz, enrolment = _course_and_quiz(slug)
    if attempts.close_expired(utcnow(), employee=current_user, quiz=quiz):
        db.session.commit()
    standing = queries.standing(current_user, quiz)
    return render_template("quizzes/quiz.html", course=course, quiz=quiz, enrolment=enrolment, standing=standing,
                           form=ConfirmForm())


@bp.route("/courses/<slug>/quiz/start", methods=["POST"])
@roles_required(Role.LEARNER)
def start(slug: str):
    course, quiz, enrolment = _course_and_quiz(slug)
    if enrolment is None:
        raise NotFound(N_("You are not enrolled in this course."))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = attempts.start_attempt(current_user, quiz)
    except DomainError as exc:
        db.session.rollback()
        flash(gettext(exc.message), "warning")
        return redirect(url_for("quizzes.quiz_page", slug=course.slug))
    db.session.commit()
    return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id))


def _page_views(attempt, page: int):
    return [(slot, qtypes.view(slot.question.data, slot.layout)) for slot in attempts.page_slots(attempt, page)]


@bp.route("/quiz/attempts/<int:attempt_id>", methods=["GET", "POST"])
@roles_required(Role.LEARNER)
def attempt_page(attempt_id: int):
    attempt = _my_attempt(attempt_id)
    if not attempt.is_open:
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    pages = attempts.page_count(attempt)
    form = AttemptPageForm()
    if request.method == "POST":
        if not form.validate_on_submit() or not form.page.data.isdigit():
            abort(400)
        page = int(form.page.data)
        shown = _page_views(attempt, page)
        outcome = attempts.save_answers(attempt, answers_from(request.form, [(s.position, v) for s, v in shown]))
        db.session.commit()
        if outcome.closed:
            flash(gettext("This attempt is closed; answers sent after the time limit were not counted."), "warning")
            return redirect(url_for("quizzes.review", attempt_id=attempt.id))
        target = {"next": page + 1, "previous": page - 1}.get(form.go.data, page)
        if form.go.data == "finish":
            return redirect(url_for("quizzes.summary", attempt_id=attempt.id))
        flash(gettext("Your answers are saved."), "success")
        return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id, page=min(max(target, 1), pages)))
    page = request.args.get("page", 1, type=int)
    shown = _page_views(attempt, page)
    form.page.data = str(page)
    return render_template("quizzes/attempt.html", attempt=attempt, quiz=attempt.quiz, shown=shown, page=page,
                           pages=pages, form=form, now=utcnow())


@bp.route("/quiz/attempts/<int:attempt_id>/summary")
@roles_required(Role.LEARNER)
def summary(attempt_id: int):
    attempt = _my_attempt(attempt_id)
    if not attempt.is_open:
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    return render_template("quizzes/summary.html", attempt=attempt, quiz=attempt.quiz, page_size=attempts.PAGE_SIZE,
                           form=ConfirmForm(), now=utcnow())


@bp.route("/quiz/attempts/<int:attempt_id>/submit", methods=["POST"])
@roles_required(Role.LEARNER)
def submit(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id, current_user, with_slots=False)  # grading reads what it needs
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempts.submit_attempt(attempt)
    except attempts.AttemptClosed:
        db.session.rollback()
        flash(gettext("This attempt was already submitted."), "info")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    db.session.commit()
    if attempt.timed_out:
        flash(gettext("Time ran out before you submitted. Your attempt was graded on the answers saved in time."), "warning")
    return redirect(url_for("quizzes.review", attempt_id=attempt.id))


@bp.route("/quiz/attempts/<int:attempt_id>/review")
@roles_required(Role.LEARNER)
def review(attempt_id: int):
    attempt = _my_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id))
    rules = attempts.review_rules(attempt)
    items = [(slot, qtypes.view(slot.question.data, slot.layout),
              qtypes.right_answer(slot.question.data) if rules.show_right_answers else None)
             for slot in attempt.slots]
    return render_template("quizzes/review.html", attempt=attempt, quiz=attempt.quiz, course=attempt.quiz.course,
                           rules=rules, items=items, standing=queries.standing(current_user, attempt.quiz),
                           max_points=marking.MAX_POINTS)


# --------------------------------------------------------------------------- essay marking


@bp.route("/quiz/marking")
@roles_required(*marking.MARKER_ROLES)
def marking_queue():
    q = request.args.get("q", "").strip()[:200]
    page = queries.essay_queue_page(current_user, request.args.get("page", 1, type=int), q)
    return render_template("quizzes/marking_queue.html", page=page, rows=page.items, q=q,
                           everyone=marking.marks_everyone(current_user))


@bp.route("/quiz/marking/<int:slot_id>", methods=["GET", "POST"])
@roles_required(*marking.MARKER_ROLES)
def mark(slot_id: int):
    slot = marking.get_essay_slot(current_user, slot_id)
    form = MarkEssayForm()
    if form.validate_on_submit():
        try:
            attempt = marking.mark_essay(current_user, slot, form.points.data, form.comment.data or "")
        except DomainError as exc:
            db.session.rollback()
            flash(gettext(exc.message), "danger")
            return redirect(url_for("quizzes.marking_queue"))
        db.session.commit()
        if attempt.state == "graded":
            flash(gettext("Essay marked. %(name)s's attempt is complete.", name=attempt.employee.full_name), "success")
        else:
            flash(gettext("Essay marked. %(name)s's attempt is still waiting for another essay.",
                          name=attempt.employee.full_name), "success")
        return redirect(url_for("quizzes.marking_queue"))
    return render_template("quizzes/mark.html", slot=slot, attempt=slot.attempt, question=slot.question.data,
                           form=form, rubric=marking.RUBRIC)


# --------------------------------------------------------------------------- statistics


@bp.route("/quiz/statistics")
@roles_required(*STAFF)
def statistics_index():
    return render_template("quizzes/statistics_index.html", rows=queries.quizzes_with_counts())


@bp.route("/quiz/statistics/<slug>")
@roles_required(*STAFF)
def statistics(slug: str):
    course = get_course(slug)
    quiz = assembly.get_quiz(course)
    if attempts.close_expired(utcnow(), quiz=quiz):
        db.session.commit()
    return render_template("quizzes/statistics.html", course=course, quiz=quiz, stats=queries.quiz_statistics(quiz))


# --------------------------------------------------------------------------- admin: banks


def _upload_form() -> BankUploadForm:
    form = BankUploadForm()
    courses = db.session.execute(select(Course).where(Course.archived.is_(False)).order_by(Course.title)).scalars()
    form.course_id.choices = choices([(c.id, c.title) for c in courses])
    return form


@bp.route("/admin/quiz-banks", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def bank_upload():
    form = _upload_form()
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data)
        if course is None or course.archived:
            raise NotFound(N_("No such course."))
        try:
            upload = bank.stage_upload(current_user, course, form.file.data.filename or "", form.file.data.read(),
                                       form.match_grades.data)
        except DomainError as exc:
            db.session.rollback()
            form.file.errors = [gettext(exc.message)]
        else:
            db.session.commit()
            return redirect(url_for("quizzes.bank_preview", upload_id=upload.id))
    return render_template("quizzes/bank_upload.html", form=form, banks=queries.bank_sizes())


@bp.route("/admin/quiz-banks/<int:upload_id>")
@roles_required(Role.ADMIN)
def bank_preview(upload_id: int):
    upload = bank.get_upload(upload_id)
    preview = bank.preview_upload(upload) if upload.status == "pending" else None
    return render_template("quizzes/bank_preview.html", upload=upload, preview=preview, form=ConfirmForm(),
                           content_hash=bank.content_hash)


@bp.route("/admin/quiz-banks/<int:upload_id>/apply", methods=["POST"])
@roles_required(Role.ADMIN)
def bank_apply(upload_id: int):
    upload = bank.get_upload(upload_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("quizzes.bank_preview", upload_id=upload.id))
    try:
        report = bank.apply_upload(current_user, upload)
    except DomainError as exc:
        db.session.rollback()
        flash(gettext(exc.message), "danger")
        return redirect(url_for("quizzes.bank_preview", upload_id=upload.id))
    db.session.commit()
    flash(gettext("Questions added to %(course)s: %(summary)s.", course=upload.course.title, summary=report.summary()), "success")
    return redirect(url_for("quizzes.bank_upload"))


@bp.route("/admin/quiz-banks/<int:upload_id>/discard", methods=["POST"])
@roles_required(Role.ADMIN)
def bank_discard(upload_id: int):
    upload = bank.get_upload(upload_id)
    if ConfirmForm().validate_on_submit() and upload.status == "pending":
        bank.discard_upload(upload)
        db.session.commit()
        flash(gettext("The upload was discarded; nothing changed."), "info")
    return redirect(url_for("quizzes.bank_upload"))


@bp.route("/admin/quiz-banks/<slug>/export.gift")
@roles_required(Role.ADMIN)
def bank_export(slug: str):
    course = get_course(slug)
    return Response(bank.export_bank(course), mimetype="text/plain",
                    headers={"Content-Disposition": f"attachment; filename={course.slug}.gift"})
