"""Forms for cohorts, meetings, nominations, decisions, teach-backs, co-deliveries and certifications."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.core.forms import choices
from lms.org.forms import MultiCheckboxField

REASON = [DataRequired(_l("Give a reason.")), Length(max=2000)]


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    site_id = SelectField(_l("Site"), coerce=int)
    capacity = IntegerField(_l("Capacity"), validators=[InputRequired(), NumberRange(min=1, max=200)], default=12,
                            description=_l("How many members the cohort can take."))
    lead_ids = MultiCheckboxField(_l("Lead trainers"), coerce=int)
    prerequisite_ids = MultiCheckboxField(_l("Prerequisite courses"), coerce=int,
                                          description=_l("Online courses count only for nominees they are assigned to."))


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    day = DateField(_l("Date"), validators=[DataRequired()])
    starts_at = TimeField(_l("Starts"), validators=[DataRequired()])
    ends_at = TimeField(_l("Ends"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])


class AttendanceForm(FlaskForm):
    present = MultiCheckboxField(_l("Present"), coerce=int)


class NominationForm(FlaskForm):
    employee_id = SelectField(_l("Person"), coerce=int)
    cohort_id = SelectField(_l("Cohort"), coerce=int)
    reason = TextAreaField(_l("Why this person"), validators=REASON,
                           description=_l("What you have seen them do with customers or colleagues."))


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=REASON, description=_l("The nominee and their manager see it."))
    accept = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class RecertificationForm(FlaskForm):
    cohort_id = SelectField(_l("Cohort"), coerce=int)


class CoDeliveryForm(FlaskForm):
    colleague = StringField(_l("Trainee's e-mail or employee id"), validators=[DataRequired(), Length(max=254)])
    delivered_on = DateField(_l("Session date"), validators=[DataRequired()])
    note = TextAreaField(_l("The session"), validators=[DataRequired(), Length(max=2000)],
                         description=_l("Where, which group, and which blocks the trainee led."))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=REASON, description=_l("The trainer sees it; discuss it with them first."))


class TeachBackBase(FlaskForm):
    observed_on = DateField(_l("Date observed"), validators=[DataRequired()])
    second_observer_id = SelectField(_l("Second observer (optional)"), coerce=int, default=0)
    comments = TextAreaField(_l("Feedback for the member"), validators=[Optional(), Length(max=4000)])


def teach_back_form(rubric: dict, observers, **kwargs) -> TeachBackBase:
    """A teach-back form with one radio group (levels 1-4) and one note per rubric criterion."""

    class TeachBackForm(TeachBackBase):
        pass

    for criterion in rubric["criteria"]:
        levels = [(str(level), f"{level}: {text}") for level, text in sorted(criterion["levels"].items())]
        setattr(TeachBackForm, f"score_{criterion['id']}", RadioField(
            criterion["title"], choices=choices(levels), validators=[InputRequired(_l("Score “%(criterion)s”.", criterion=criterion['title']))]))
        setattr(TeachBackForm, f"note_{criterion['id']}", StringField(
            _l("Note on “%(criterion)s”", criterion=criterion['title']), validators=[Optional(), Length(max=1000)]))
    form = TeachBackForm(**kwargs)
    form.second_observer_id.choices = choices([(0, _l("None"))] + [(e.id, e.full_name) for e in observers])
    return form
