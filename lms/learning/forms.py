"""Forms for assignments and recovery toolkits."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from lms.core.forms import choices
from wtforms import DateField, DecimalField, FieldList, FormField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.org.forms import MultiCheckboxField


class AssignmentRuleForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int)
    audience = RadioField(_l("Who"), choices=choices([("everyone", _l("Everyone in the organization")),
                                          ("some", _l("Only the groups chosen below"))]), default="some")
    department_kinds = MultiCheckboxField(_l("Department kinds"), choices=choices([
        ("front_line", _l("Front line")), ("internal_provider", _l("Internal service providers")), ("leadership", _l("Leadership"))]))
    site_ids = MultiCheckboxField(_l("Sites"), coerce=int)
    department_ids = MultiCheckboxField(_l("Departments"), coerce=int)
    roles = MultiCheckboxField(_l("Roles"), choices=choices([("manager", _l("Managers")), ("leader", _l("Leaders")),
                                                 ("trainer", _l("Trainers")), ("lead_trainer", _l("Lead trainers"))]))
    employee_nos = StringField(_l("Named people"), validators=[Optional(), Length(max=4000)],
                               description=_l("Employee ids separated by commas or spaces."))
    due_kind = RadioField(_l("Due"), choices=choices([("none", _l("No due date")), ("fixed", _l("On a date")),
                                          ("after_assignment", _l("N days after being assigned")),
                                          ("after_hire", _l("N days after the hire date"))]), default="after_assignment")
    due_date = DateField(_l("Due date"), validators=[Optional()])
    due_days = IntegerField(_l("Days"), validators=[Optional(), NumberRange(min=0, max=3650)], default=30)


class OfferForm(PlainForm):
    title = StringField(_l("Offer"), validators=[Optional(), Length(max=200)])
    description = StringField(_l("When and how"), validators=[Optional(), Length(max=500)])
    typical_value = DecimalField(_l("Typical value"), places=2, validators=[Optional(), NumberRange(min=0)])


class ToolkitForm(FlaskForm):
    authority_limit = DecimalField(_l("Authority limit"), places=2, validators=[DataRequired(), NumberRange(min=0)],
                                   description=_l("How much anyone in the department may spend to put a problem right without asking."))
    currency = StringField(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)], default="MUR")
    note = TextAreaField(_l("Guidance for staff"), validators=[Optional(), Length(max=2000)])
    offers = FieldList(FormField(OfferForm), min_entries=10, max_entries=10)
