"""Flask-Login wiring: the user loader checks the session token; timeouts and single sign-on."""
from flask import Flask

from lms.auth.oidc import init_oidc
from lms.auth.services import load_session_user
from lms.auth.timeouts import enforce_timeouts
from lms.extensions import login_manager


def init_login(app: Flask) -> None:
    """Configure Flask-Login, session timeouts and the OpenID provider for the app."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to open that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)
    app.before_request(enforce_timeouts)
    init_oidc(app)
