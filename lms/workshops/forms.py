"""Workshop forms: rooms, sessions, site calendars, bookings and attendance."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.core.forms import choices
from lms.org.forms import MultiCheckboxField

WEEKDAYS = ((1, _l("Monday")), (2, _l("Tuesday")), (3, _l("Wednesday")), (4, _l("Thursday")), (5, _l("Friday")), (6, _l("Saturday")),
            (7, _l("Sunday")))


class RoomForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=500)])
    active = BooleanField(_l("In use"), default=True)
    closures = TextAreaField(_l("Days unavailable"), validators=[Optional(), Length(max=20000)],
                             description=_l("One per line: YYYY-MM-DD and an optional reason."))


class SessionForm(FlaskForm):
    room_id = SelectField(_l("Room"), coerce=int)
    day1 = DateField(_l("Day 1"), validators=[DataRequired()], description=_l("Day 2 is the next working day at the site."))
    start_time = TimeField(_l("Starts"), validators=[DataRequired()], default=None)
    end_time = TimeField(_l("Ends"), validators=[DataRequired()])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=500)])
    trainer_ids = SelectMultipleField(_l("Trainers (one or two)"), coerce=int, description=_l("Only certified trainers can deliver."))
    note = StringField(_l("Note for attendees"), validators=[Optional(), Length(max=500)])
    publish = BooleanField(_l("Open for booking now"), default=True)


class CancelSessionForm(FlaskForm):
    reason = StringField(_l("Reason (sent to everyone booked)"), validators=[DataRequired(), Length(max=300)])


class SiteCalendarForm(FlaskForm):
    weekdays = MultiCheckboxField(_l("Working weekdays"), coerce=int, choices=choices(WEEKDAYS))
    holidays = TextAreaField(_l("Holidays"), validators=[Optional(), Length(max=20000)],
                             description=_l("One per line: YYYY-MM-DD and the holiday's name."))


class BookForOtherForm(FlaskForm):
    employee_id = SelectField(_l("Person"), coerce=int)


class BulkBookForm(FlaskForm):
    employee_nos = TextAreaField(_l("Employee ids"), validators=[DataRequired(), Length(max=20000)],
                                 description=_l("Separated by commas, spaces or new lines."))


class CancelBookingForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class SessionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    site = SelectField(_l("Site"), coerce=int, validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])


class CoDeliveryForm(FlaskForm):
    member_id = SelectField(_l("Trainee who co-delivered"), coerce=int)
    note = StringField(_l("Which blocks they led"), validators=[Optional(), Length(max=500)])
