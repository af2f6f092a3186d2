"""Forms for service ideas, internal service reviews and dependencies (CSRF through FlaskForm)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.core.forms import choices

LONG_TEXT = 4000


class IdeaForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the idea a title.")), Length(max=200)])
    description = TextAreaField(_l("The idea"), validators=[DataRequired(_l("Describe the idea.")), Length(max=LONG_TEXT)],
                                description=_l("What would we do differently, and what value would it add?"))
    beneficiary = RadioField(_l("Who benefits"), default="external", validators=[DataRequired()], choices=choices([
        ("external", _l("External customers")), ("internal", _l("An internal department"))]))
    beneficiary_department_id = SelectField(_l("Internal department"), coerce=int, validators=[Optional()],
                                            description=_l("Only when an internal department benefits."))


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a button."""


class ImplementForm(FlaskForm):
    implemented_on = DateField(_l("Put into practice on"), validators=[DataRequired(_l("Give the day."))])
    outcome = TextAreaField(_l("Outcome"), validators=[DataRequired(_l("Describe the outcome.")), Length(max=LONG_TEXT)],
                            description=_l("A sentence or two: what changed, for whom."))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=LONG_TEXT)],
                           description=_l("The author reads this."))


class ReviewForm(FlaskForm):
    how_served = TextAreaField(_l("How did they serve us last month?"),
                               validators=[DataRequired(_l("Answer both questions.")), Length(max=LONG_TEXT)])
    next_month = TextAreaField(_l("What should they do next month?"),
                               validators=[DataRequired(_l("Answer both questions.")), Length(max=LONG_TEXT)])


class ActionForm(FlaskForm):
    text = TextAreaField(_l("Our action"), validators=[DataRequired(_l("Describe the action.")), Length(max=LONG_TEXT)],
                         description=_l("What your department will do about this review."))


class DependencyForm(FlaskForm):
    department_id = SelectField(_l("Front-line department"), coerce=int)
    provider_id = SelectField(_l("Depends on (internal provider)"), coerce=int)


class RoundForm(FlaskForm):
    """Which round of reviews to show (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    period = SelectField(_l("Month reviewed"), validators=[Optional()])
