"""A course's question bank: sync from quiz.gift, import and export GIFT, staged web uploads."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from lms.core.errors import Conflict, NotFound, ValidationFailed
from lms.core.models import utcnow
from lms.extensions import db
from lms.learning.models import Course
from lms.org.models import Employee
from lms.quizzes import qtypes
from lms.quizzes.gift import GiftError, GiftExportError, export_gift, parse_gift
from lms.quizzes.models import QuizBankUpload, QuizQuestion

_PRINCIPLE_RE = re.compile(r"P\d{2}")
MATCH_GRADES = ("error", "nearest")


class BankRefused(ValidationFailed):
    """A GIFT text that cannot be imported; `problems` are `line N: reason` strings."""


@dataclass
class BankReport:
    """What an import or sync did to a bank, by question name."""

    added: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.restored or self.archived)

    def summary(self) -> str:
        """Counts in one line, e.g. '3 added, 0 restored, 12 unchanged, 1 archived'."""
        return ", ".join(f"{len(v)} {k}" for k, v in vars(self).items())


def content_hash(question: dict[str, Any]) -> str:
    """A stable hash of a question dict: equal questions hash equal whatever their key order."""
    canonical = json.dumps(question, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def principles_from_name(name: str) -> list[str]:
    """The principle ids (P01-P16) a question's name starts with, e.g. 'P02 P04 at the gate'."""
    found = []
    for token in (name or "").split():
        if not _PRINCIPLE_RE.fullmatch(token):
            break
        found.append(token)
    return found


def parse_bank_text(text: str, match_grades: str = "error") -> list[dict[str, Any]]:
    """The questions of a GIFT text, or BankRefused listing every problem as `line N: reason`."""
    try:
        questions = parse_gift(text, match_grades=match_grades)
    except GiftError as err:
        raise BankRefused(f"The file has {len(err.problems)} problem(s); nothing was stored.",
                          [f"line {line}: {reason}" for line, reason in err.problems]) from None
    problems = [f"question {i} ({q.get('name', '')}): {p}"
                for i, q in enumerate(questions, start=1) for p in qtypes.validate(q)]
    if problems:
        raise BankRefused(f"The file has {len(problems)} problem(s); nothing was stored.", problems)
    return questions


def decode_upload(data: bytes) -> str:
    """The text of an uploaded GIFT file, or BankRefused when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BankRefused("The file is not UTF-8 text; save it as UTF-8 and try again.",
                          [f"byte {err.start}: not UTF-8"]) from None


def live_questions(course: Course) -> list[QuizQuestion]:
    """The course's live questions in bank order."""
    return list(db.session.execute(
        select(QuizQuestion).where(QuizQuestion.course_id == course.id, QuizQuestion.archived.is_(False))
        .order_by(QuizQuestion.position, QuizQuestion.id)
    ).scalars())


def _rows_by_hash(course: Course) -> dict[str, QuizQuestion]:
    rows = db.session.execute(select(QuizQuestion).where(QuizQuestion.course_id == course.id)).scalars()
    return {row.content_hash: row for row in rows}


def _next_version(course: Course, question: dict[str, Any]) -> int:
    category = question.get("category")
    same_category = (QuizQuestion.category.is_(None) if category is None else QuizQuestion.category == category)
    latest = db.session.execute(
        select(func.max(QuizQuestion.version))
        .where(QuizQuestion.course_id == course.id, QuizQuestion.name == question["name"], same_category)
    ).scalar()
    return (latest or 0) + 1


def _new_row(course: Course, question: dict[str, Any], digest: str, position: int, origin: str) -> QuizQuestion:
    row = QuizQuestion(
        course_id=course.id, category=question.get("category"), name=question["name"], qtype=question["type"],
        data=question, principles=principles_from_name(question["name"]), content_hash=digest,
        version=_next_version(course, question), position=position, origin=origin,
    )
    db.session.add(row)
    db.session.flush()  # the next version number of a same-named question sees this row
    return row


def _restore(row: QuizQuestion, origin: str) -> None:
    row.archived, row.archived_at, row.origin = False, None, origin


def sync_bank(course: Course, questions: Iterable[dict[str, Any]]) -> BankReport:
    """Make the course's synced questions those of its quiz.gift; an unchanged bank changes nothing."""
    report = BankReport()
    rows = _rows_by_hash(course)
    seen: set[str] = set()
    for position, question in enumerate(questions):
        digest = content_hash(question)
        if digest in seen:
            continue  # the same question twice in one file is one question
        seen.add(digest)
        row = rows.get(digest)
        if row is None:
            rows[digest] = _new_row(course, question, digest, position, "sync")
            report.added.append(question["name"])
            continue
        if row.archived:
            _restore(row, "sync")
            report.restored.append(row.name)
        else:
            report.unchanged.append(row.name)
        if row.origin == "sync" and row.position != position:
            row.position = position
    now = utcnow()
    for digest, row in rows.items():
        if row.origin == "sync" and not row.archived and digest not in seen:
            row.archived, row.archived_at = True, now
            report.archived.append(row.name)
    db.session.flush()
    return report


def add_questions(course: Course, questions: Iterable[dict[str, Any]]) -> BankReport:
    """Add imported questions to the course's bank; questions it already holds are left as they are."""
    report = BankReport()
    rows = _rows_by_hash(course)
    position = (db.session.execute(
        select(func.max(QuizQuestion.position)).where(QuizQuestion.course_id == course.id)
    ).scalar() or 0) + 1
    for question in questions:
        digest = content_hash(question)
        row = rows.get(digest)
        if row is None:
            rows[digest] = _new_row(course, question, digest, position, "import")
            position += 1
            report.added.append(question["name"])
        elif row.archived:
            _restore(row, "import")
            report.restored.append(row.name)
        else:
            report.unchanged.append(row.name)
    db.session.flush()
    return report


def import_gift(course: Course, text: str, match_grades: str = "error") -> BankReport:
    """Parse a GIFT text and add its questions to the course's bank, or refuse it whole."""
    return add_questions(course, parse_bank_text(text, match_grades))


def export_bank(course: Course) -> str:
    """The course's live questions as a GIFT file."""
    try:
        return export_gift([row.data for row in live_questions(course)])
    except GiftExportError as err:
        raise ValidationFailed(f"The bank cannot be written as GIFT: {err}") from None


# --------------------------------------------------------------------------- web uploads


def stage_upload(actor: Employee, course: Course, filename: str, data: bytes, match_grades: str = "error"
                 ) -> QuizBankUpload:
    """Keep an uploaded GIFT file until an admin confirms it after the preview."""
    if match_grades not in MATCH_GRADES:
        raise ValidationFailed(f"match_grades must be one of {', '.join(MATCH_GRADES)}.")
    upload = QuizBankUpload(course_id=course.id, uploaded_by_id=actor.id, filename=(filename or "bank.gift")[:255],
                            content=decode_upload(data), match_grades=match_grades)
    db.session.add(upload)
    db.session.flush()
    return upload


def get_upload(upload_id: int) -> QuizBankUpload:
    """The staged upload with this id, or NotFound."""
    upload = db.session.get(QuizBankUpload, upload_id)
    if upload is None:
        raise NotFound("No such question bank upload.")
    return upload


@dataclass(frozen=True)
class UploadPreview:
    """A staged upload as parsed: its questions, or every problem."""

    questions: list[dict[str, Any]]
    problems: list[str]
    known: set[str]  # content hashes already live in the course's bank


def preview_upload(upload: QuizBankUpload) -> UploadPreview:
    """The parsed questions of a staged upload and every problem (nothing is stored)."""
    try:
        questions = parse_bank_text(upload.content, upload.match_grades)
    except BankRefused as exc:
        return UploadPreview([], exc.problems, set())
    live = {row.content_hash for row in live_questions(upload.course)}
    return UploadPreview(questions, [], live)


def apply_upload(actor: Employee, upload: QuizBankUpload) -> BankReport:
    """Add a staged upload's questions to its course's bank exactly once."""
    claimed = db.session.execute(
        update(QuizBankUpload).where(QuizBankUpload.id == upload.id, QuizBankUpload.status == "pending")
        .values(status="applied", applied_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("This upload was already applied or discarded.")
    report = import_gift(upload.course, upload.content, upload.match_grades)
    db.session.refresh(upload)
    upload.summary = report.summary()
    db.session.flush()
    return report


def discard_upload(upload: QuizBankUpload) -> None:
    """Drop a staged upload without applying it."""
    if upload.status != "pending":
        raise Conflict("This upload was already applied or discarded.")
    upload.status = "discarded"
    upload.content = ""
    db.session.flush()
