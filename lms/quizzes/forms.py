"""Quiz forms: attempt pages, essay marking, GIFT uploads; and reading answers out of a posted page."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from lms.core.forms import choices
from lms.quizzes.marking import RUBRIC

NAVIGATION = ("save", "next", "previous", "finish")
MAX_SHORT_TEXT = 1000


class AttemptPageForm(FlaskForm):
    """One page of an attempt; the answers themselves are read by `answers_from`."""

    page = HiddenField(validators=[DataRequired()])
    go = HiddenField(default="save", validators=[Optional(), AnyOf(NAVIGATION)])


class MarkEssayForm(FlaskForm):
    """A trainer's mark from the rubric, with a comment."""

    points = RadioField(_l("Mark"), coerce=int, validators=[InputRequired(_l("Choose a mark from the rubric."))],
                        choices=choices((points, f"{points}: {text}") for points, text in RUBRIC))
    comment = TextAreaField(_l("Comment for the learner"), validators=[Optional(), Length(max=4000)],
                            description=_l("What was good, and what would make the answer stronger."))


class BankUploadForm(FlaskForm):
    """A GIFT file for a course's bank."""

    course_id = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    file = FileField(_l("GIFT file"), validators=[FileRequired(_l("Choose a GIFT file (.gift or .txt)."))],
                     description=_l("UTF-8 text in Moodle's GIFT format. You will see every question before anything is added."))
    match_grades = SelectField(_l("Weights that are not Moodle grades"), default="error",
                               choices=choices([("error", _l("Refuse the file")), ("nearest", _l("Round to the nearest grade"))]))


def answers_from(form: MultiDict, slots: list[tuple[int, dict[str, Any]]]) -> dict[int, Any]:
    """What a posted attempt page says for each (position, browser view) shown on it; absent means blank."""
    answers: dict[int, Any] = {}
    for position, view in slots:
        name = f"q{position}"
        qtype = view["type"]
        if qtype == "description":
            continue
        if qtype == "multichoice" and not view["single"]:
            answers[position] = form.getlist(name)
        elif qtype == "matching":
            answers[position] = {stem["key"]: form.get(f"{name}-{stem['key']}", "") for stem in view["stems"]}
        elif qtype in ("shortanswer", "numerical"):
            answers[position] = form.get(name, "")[:MAX_SHORT_TEXT]
        else:
            answers[position] = form.get(name) or (None if qtype != "essay" else "")
    return answers
