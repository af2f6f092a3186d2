"""Forms for cohorts, meetings, nominations, decisions, teach-backs, co-deliveries and certifications."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.core.forms import choices
from lms.org.forms import MultiCheckboxField

REASON = [DataRequired("Give a reason."), Length(max=2000)]


class CohortForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    site_id = SelectField("Site", coerce=int)
    capacity = IntegerField("Capacity", validators=[InputRequired(), NumberRange(min=1, max=200)], default=12,
                            description="How many members the cohort can take.")
    lead_ids = MultiCheckboxField("Lead trainers", coerce=int)
    prerequisite_ids = MultiCheckboxField("Prerequisite courses", coerce=int,
                                          description="Online courses count only for nominees they are assigned to.")


class MeetingForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    day = DateField("Date", validators=[DataRequired()])
    starts_at = TimeField("Starts", validators=[DataRequired()])
    ends_at = TimeField("Ends", validators=[DataRequired()])
    place = StringField("Place", validators=[DataRequired(), Length(max=200)])


class AttendanceForm(FlaskForm):
    present = MultiCheckboxField("Present", coerce=int)


class NominationForm(FlaskForm):
    employee_id = SelectField("Person", coerce=int)
    cohort_id = SelectField("Cohort", coerce=int)
    reason = TextAreaField("Why this person", validators=REASON,
                           description="What you have seen them do with customers or colleagues.")


class DecisionForm(FlaskForm):
    reason = TextAreaField("Reason", validators=REASON, description="The nominee and their manager see it.")
    accept = SubmitField("Accept")
    decline = SubmitField("Decline")


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)])


class RecertificationForm(FlaskForm):
    cohort_id = SelectField("Cohort", coerce=int)


class CoDeliveryForm(FlaskForm):
    colleague = StringField("Trainee's e-mail or employee id", validators=[DataRequired(), Length(max=254)])
    delivered_on = DateField("Session date", validators=[DataRequired()])
    note = TextAreaField("The session", validators=[DataRequired(), Length(max=2000)],
                         description="Where, which group, and which blocks the trainee led.")


class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason", validators=REASON, description="The trainer sees it; discuss it with them first.")


class TeachBackBase(FlaskForm):
    observed_on = DateField("Date observed", validators=[DataRequired()])
    second_observer_id = SelectField("Second observer (optional)", coerce=int, default=0)
    comments = TextAreaField("Feedback for the member", validators=[Optional(), Length(max=4000)])


def teach_back_form(rubric: dict, observers, **kwargs) -> TeachBackBase:
    """A teach-back form with one radio group (levels 1-4) and one note per rubric criterion."""

    class TeachBackForm(TeachBackBase):
        pass

    for criterion in rubric["criteria"]:
        levels = [(str(level), f"{level}: {text}") for level, text in sorted(criterion["levels"].items())]
        setattr(TeachBackForm, f"score_{criterion['id']}", RadioField(
            criterion["title"], choices=choices(levels), validators=[InputRequired(f"Score “{criterion['title']}”.")]))
        setattr(TeachBackForm, f"note_{criterion['id']}", StringField(
            f"Note on “{criterion['title']}”", validators=[Optional(), Length(max=1000)]))
    form = TeachBackForm(**kwargs)
    form.second_observer_id.choices = choices([(0, "None")] + [(e.id, e.full_name) for e in observers])
    return form
