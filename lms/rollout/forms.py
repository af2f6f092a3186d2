"""Rollout forms: a new plan, people to leave out, and the leadership what-if."""
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from lms.org.forms import MultiCheckboxField
from lms.rollout.models import DEFAULT_MAX_SIZE, DEFAULT_MIN_SIZE


def _not_before(other: str, message: str):
    def check(form, field):
        first = getattr(form, other).data
        if field.data and first and field.data < first:
            raise ValidationError(message)
    return check


class _Sizes:
    min_size = IntegerField("Smallest session", default=DEFAULT_MIN_SIZE,
                            validators=[DataRequired(), NumberRange(min=1, max=200)])
    max_size = IntegerField("Largest session", default=DEFAULT_MAX_SIZE,
                            validators=[DataRequired(), NumberRange(min=1, max=200)],
                            description="No session is larger than its room, whatever this says.")

    def validate_max_size(self, field):
        if field.data and self.min_size.data and field.data < self.min_size.data:
            raise ValidationError("The largest session cannot be smaller than the smallest.")


class PlanForm(_Sizes, FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    site_ids = MultiCheckboxField("Sites", coerce=int, validators=[DataRequired(message="Choose at least one site.")])
    window_start = DateField("First day", validators=[DataRequired()])
    window_end = DateField("Last day", validators=[DataRequired(), _not_before("window_start", "The last day cannot be before the first.")])
    start_time = TimeField("Sessions start", validators=[DataRequired()])
    end_time = TimeField("Sessions end", validators=[DataRequired()])


class ExcludeForm(FlaskForm):
    employee_nos = TextAreaField("Employee ids to leave out", validators=[DataRequired(), Length(max=20000)],
                                 description="Separated by commas, spaces or new lines; they are not planned or booked.")


class WhatIfForm(_Sizes, FlaskForm):
    site_ids = MultiCheckboxField("Sites", coerce=int, validators=[DataRequired(message="Choose at least one site.")])
    start = DateField("Starting on", validators=[DataRequired()])
    finish_by = DateField("Finish by", validators=[DataRequired(), _not_before("start", "The finish cannot be before the start.")])
