"""Forms for service ideas, internal service reviews and dependencies (CSRF through FlaskForm)."""
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.core.forms import choices

LONG_TEXT = 4000


class IdeaForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the idea a title."), Length(max=200)])
    description = TextAreaField("The idea", validators=[DataRequired("Describe the idea."), Length(max=LONG_TEXT)],
                                description="What would we do differently, and what value would it add?")
    beneficiary = RadioField("Who benefits", default="external", validators=[DataRequired()], choices=choices([
        ("external", "External customers"), ("internal", "An internal department")]))
    beneficiary_department_id = SelectField("Internal department", coerce=int, validators=[Optional()],
                                            description="Only when an internal department benefits.")


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a button."""


class ImplementForm(FlaskForm):
    implemented_on = DateField("Put into practice on", validators=[DataRequired("Give the day.")])
    outcome = TextAreaField("Outcome", validators=[DataRequired("Describe the outcome."), Length(max=LONG_TEXT)],
                            description="A sentence or two: what changed, for whom.")


class DeclineForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason."), Length(max=LONG_TEXT)],
                           description="The author reads this.")


class ReviewForm(FlaskForm):
    how_served = TextAreaField("How did they serve us last month?",
                               validators=[DataRequired("Answer both questions."), Length(max=LONG_TEXT)])
    next_month = TextAreaField("What should they do next month?",
                               validators=[DataRequired("Answer both questions."), Length(max=LONG_TEXT)])


class ActionForm(FlaskForm):
    text = TextAreaField("Our action", validators=[DataRequired("Describe the action."), Length(max=LONG_TEXT)],
                         description="What your department will do about this review.")


class DependencyForm(FlaskForm):
    department_id = SelectField("Front-line department", coerce=int)
    provider_id = SelectField("Depends on (internal provider)", coerce=int)


class RoundForm(FlaskForm):
    """Which round of reviews to show (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    period = SelectField("Month reviewed", validators=[Optional()])
