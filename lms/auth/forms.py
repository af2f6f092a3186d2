"""Login and password forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lms.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PASSWORD_LENGTH_MESSAGE
from lms.core.forms import choices
from lms.core.i18n import LANGUAGE_NAMES


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class SingleSignOnForm(FlaskForm):
    """The button that starts a single sign-on (a POST, so that only this site can start one)."""


class ChangePasswordForm(FlaskForm):
    """The current password and a new one, twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=PASSWORD_LENGTH_MESSAGE)],
        description=_l("At least %(num)d characters; any characters are allowed; common passwords are refused.", num=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[DataRequired(), EqualTo("new_password", _l("The passwords differ."))]
    )


class LanguageForm(FlaskForm):
    """The language to read the platform in, and the same-site page to go back to."""

    language = SelectField(_l("Language"), choices=choices(LANGUAGE_NAMES.items()), validators=[DataRequired()])
    next = HiddenField(validators=[Optional(), Length(max=500)])
