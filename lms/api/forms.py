"""Forms of the API token page (CSRF through FlaskForm)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from lms.api.tokens import FORM_KEY_LENGTH, MAX_NAME


class NewTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(_l("Name the token.")), Length(max=MAX_NAME)],
                       description=_l("What will use it, e.g. “Power BI: programme reach”."))
    # One-time: a reload that sends the form again must not create a second token.
    once = HiddenField(validators=[Length(max=FORM_KEY_LENGTH)])


class RevokeForm(FlaskForm):
    """An empty form: its CSRF token guards the revoke button."""
