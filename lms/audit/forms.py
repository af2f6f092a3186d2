"""The audit log's filter form (read from the query string)."""
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """Who, which table, which action, which row and which dates."""

    who = StringField("Who (name or e-mail contains)", validators=[Optional(), Length(max=200)])
    table = SelectField("Table", validators=[Optional()], default="")
    action = SelectField("Action", validators=[Optional()], default="")
    row = StringField("Row id", validators=[Optional(), Length(max=100)])
    since = DateField("From", validators=[Optional()])
    until = DateField("Until", validators=[Optional()])
