"""The audit log's filter form (read from the query string)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """Who, which table, which action, which row and which dates."""

    who = StringField(_l("Who (name or e-mail contains)"), validators=[Optional(), Length(max=200)])
    table = SelectField(_l("Table"), validators=[Optional()], default="")
    action = SelectField(_l("Action"), validators=[Optional()], default="")
    row = StringField(_l("Row id"), validators=[Optional(), Length(max=100)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
