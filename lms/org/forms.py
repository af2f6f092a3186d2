"""Admin forms for the roster, employees and departments."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from lms.core.forms import choices
from wtforms import BooleanField, DecimalField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from lms.auth.passwords import MIN_PASSWORD_LENGTH, PASSWORD_LENGTH_MESSAGE
from lms.core.roles import ALL_ROLES
from lms.org.labels import DEPARTMENT_KIND, ROLE_LABELS
from lms.org.models import DEPARTMENT_KINDS


class RosterUploadForm(FlaskForm):
    file = FileField(_l("Roster CSV file"), validators=[FileRequired(_l("Choose the CSV file exported from HR."))],
                     description=_l("UTF-8 CSV with a header line; comma or semicolon separated."))
    deactivate_missing = BooleanField(_l("Deactivate employees who are not in the file"),
                                      description=_l("Their history is kept; they can no longer log in."))


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a confirmation button."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EmployeeRolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), choices=choices([(r, ROLE_LABELS.get(r, r.replace("_", " "))) for r in ALL_ROLES
                                                            if r != "learner"]),
                               description=_l("Everyone is a learner."))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024, message=PASSWORD_LENGTH_MESSAGE)],
                             description=_l("At least %(num)s characters. Their other sessions end.", num=MIN_PASSWORD_LENGTH))


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices([(k, DEPARTMENT_KIND.get(k, k.replace("_", " "))) for k in DEPARTMENT_KINDS]))
    max_away_fraction = DecimalField(
        _l("Share of staff who may be away at once"), places=2,
        validators=[DataRequired(), NumberRange(min=0.01, max=1)],
        description=_l("The staffing floor: 0.2 lets a fifth of the department attend a workshop on the same day."),
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=100)])
