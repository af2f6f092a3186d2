"""Rollout forms: a new plan, people to leave out, and the leadership what-if."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from lms.org.forms import MultiCheckboxField
from lms.rollout.models import DEFAULT_MAX_SIZE, DEFAULT_MIN_SIZE


def _not_before(other: str, message):
    def check(form, field):
        first = getattr(form, other).data
        if field.data and first and field.data < first:
            raise ValidationError(message)
    return check


class _Sizes:
    min_size = IntegerField(_l("Smallest session"), default=DEFAULT_MIN_SIZE,
                            validators=[DataRequired(), NumberRange(min=1, max=200)])
    max_size = IntegerField(_l("Largest session"), default=DEFAULT_MAX_SIZE,
                            validators=[DataRequired(), NumberRange(min=1, max=200)],
                            description=_l("No session is larger than its room, whatever this says."))

    def validate_max_size(self, field):
        if field.data and self.min_size.data and field.data < self.min_size.data:
            raise ValidationError(_l("The largest session cannot be smaller than the smallest."))


class PlanForm(_Sizes, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    site_ids = MultiCheckboxField(_l("Sites"), coerce=int, validators=[DataRequired(message=_l("Choose at least one site."))])
    window_start = DateField(_l("First day"), validators=[DataRequired()])
    window_end = DateField(_l("Last day"), validators=[DataRequired(), _not_before("window_start", _l("The last day cannot be before the first."))])
    start_time = TimeField(_l("Sessions start"), validators=[DataRequired()])
    end_time = TimeField(_l("Sessions end"), validators=[DataRequired()])


class ExcludeForm(FlaskForm):
    employee_nos = TextAreaField(_l("Employee ids to leave out"), validators=[DataRequired(), Length(max=20000)],
                                 description=_l("Separated by commas, spaces or new lines; they are not planned or booked."))


class WhatIfForm(_Sizes, FlaskForm):
    site_ids = MultiCheckboxField(_l("Sites"), coerce=int, validators=[DataRequired(message=_l("Choose at least one site."))])
    start = DateField(_l("Starting on"), validators=[DataRequired()])
    finish_by = DateField(_l("Finish by"), validators=[DataRequired(), _not_before("start", _l("The finish cannot be before the start."))])
