"""Workshop forms: rooms, sessions, site calendars, bookings and attendance."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.core.forms import choices
from lms.org.forms import MultiCheckboxField

WEEKDAYS = ((1, "Monday"), (2, "Tuesday"), (3, "Wednesday"), (4, "Thursday"), (5, "Friday"), (6, "Saturday"), (7, "Sunday"))


class RoomForm(FlaskForm):
    site_id = SelectField("Site", coerce=int)
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    capacity = IntegerField("Seats", validators=[DataRequired(), NumberRange(min=1, max=500)])
    active = BooleanField("In use", default=True)
    closures = TextAreaField("Days unavailable", validators=[Optional(), Length(max=20000)],
                             description="One per line: YYYY-MM-DD and an optional reason.")


class SessionForm(FlaskForm):
    room_id = SelectField("Room", coerce=int)
    day1 = DateField("Day 1", validators=[DataRequired()], description="Day 2 is the next working day at the site.")
    start_time = TimeField("Starts", validators=[DataRequired()], default=None)
    end_time = TimeField("Ends", validators=[DataRequired()])
    capacity = IntegerField("Seats", validators=[DataRequired(), NumberRange(min=1, max=500)])
    trainer_ids = SelectMultipleField("Trainers (one or two)", coerce=int, description="Only certified trainers can deliver.")
    note = StringField("Note for attendees", validators=[Optional(), Length(max=500)])
    publish = BooleanField("Open for booking now", default=True)


class CancelSessionForm(FlaskForm):
    reason = StringField("Reason (sent to everyone booked)", validators=[DataRequired(), Length(max=300)])


class SiteCalendarForm(FlaskForm):
    weekdays = MultiCheckboxField("Working weekdays", coerce=int, choices=choices(WEEKDAYS))
    holidays = TextAreaField("Holidays", validators=[Optional(), Length(max=20000)],
                             description="One per line: YYYY-MM-DD and the holiday's name.")


class BookForOtherForm(FlaskForm):
    employee_id = SelectField("Person", coerce=int)


class BulkBookForm(FlaskForm):
    employee_nos = TextAreaField("Employee ids", validators=[DataRequired(), Length(max=20000)],
                                 description="Separated by commas, spaces or new lines.")


class CancelBookingForm(FlaskForm):
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=300)])


class SessionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    site = SelectField("Site", coerce=int, validators=[Optional()])
    start = DateField("From", validators=[Optional()])


class CoDeliveryForm(FlaskForm):
    member_id = SelectField("Trainee who co-delivered", coerce=int)
    note = StringField("Which blocks they led", validators=[Optional(), Length(max=500)])
