"""Forms for assignments and recovery toolkits."""
from flask_wtf import FlaskForm
from lms.core.forms import choices
from wtforms import DateField, DecimalField, FieldList, FormField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.org.forms import MultiCheckboxField


class AssignmentRuleForm(FlaskForm):
    course_id = SelectField("Course", coerce=int)
    audience = RadioField("Who", choices=choices([("everyone", "Everyone in the organization"),
                                          ("some", "Only the groups chosen below")]), default="some")
    department_kinds = MultiCheckboxField("Department kinds", choices=choices([
        ("front_line", "Front line"), ("internal_provider", "Internal service providers"), ("leadership", "Leadership")]))
    site_ids = MultiCheckboxField("Sites", coerce=int)
    department_ids = MultiCheckboxField("Departments", coerce=int)
    roles = MultiCheckboxField("Roles", choices=choices([("manager", "Managers"), ("leader", "Leaders"),
                                                 ("trainer", "Trainers"), ("lead_trainer", "Lead trainers")]))
    employee_nos = StringField("Named people", validators=[Optional(), Length(max=4000)],
                               description="Employee ids separated by commas or spaces.")
    due_kind = RadioField("Due", choices=choices([("none", "No due date"), ("fixed", "On a date"),
                                          ("after_assignment", "N days after being assigned"),
                                          ("after_hire", "N days after the hire date")]), default="after_assignment")
    due_date = DateField("Due date", validators=[Optional()])
    due_days = IntegerField("Days", validators=[Optional(), NumberRange(min=0, max=3650)], default=30)


class OfferForm(PlainForm):
    title = StringField("Offer", validators=[Optional(), Length(max=200)])
    description = StringField("When and how", validators=[Optional(), Length(max=500)])
    typical_value = DecimalField("Typical value", places=2, validators=[Optional(), NumberRange(min=0)])


class ToolkitForm(FlaskForm):
    authority_limit = DecimalField("Authority limit", places=2, validators=[DataRequired(), NumberRange(min=0)],
                                   description="How much anyone in the department may spend to put a problem right without asking.")
    currency = StringField("Currency", validators=[DataRequired(), Length(min=3, max=3)], default="MUR")
    note = TextAreaField("Guidance for staff", validators=[Optional(), Length(max=2000)])
    offers = FieldList(FormField(OfferForm), min_entries=10, max_entries=10)
