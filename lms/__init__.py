"""The service-excellence learning platform."""
from __future__ import annotations

from flask import Flask

from lms.config import load_config

BLUEPRINT_MODULES = (
    "lms.auth.views",
    "lms.org.views",
    "lms.learning.views",
    "lms.quizzes.views",
    "lms.trainers.views",
    "lms.workshops.views",
    "lms.notify.views",
    "lms.rollout.views",
    "lms.insights.views",
    "lms.audit.views",
    "lms.api.views",
    "lms.api.token_views",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI and error pages."""
    app = Flask(__name__, template_folder="../templates")
    app.config.update(load_config(config))

    from lms.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["LMS_MIGRATIONS_DIR"], render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from lms.core.i18n import init_i18n

    init_i18n(app)

    from lms.core.database import configure_engine, end_reads_with_commit

    with app.app_context():
        configure_engine(db.engine)
    end_reads_with_commit(app, db)

    _register_models()
    _register_blueprints(app)

    from lms.notify.jobs import init_jobs

    init_jobs(app)

    from lms.auth.setup import init_login
    from lms.audit.capture import init_audit
    from lms.cli import register_cli
    from lms.core.web import init_web

    init_login(app)
    init_audit(app)
    init_web(app)
    register_cli(app)
    return app


def _register_models() -> None:
    """Import every domain's models so that metadata (and migrations) see all tables."""
    import lms.core.demo  # noqa: F401
    import lms.audit.models  # noqa: F401
    import lms.auth.models  # noqa: F401
    import lms.org.demo  # noqa: F401
    import lms.org.models  # noqa: F401
    import lms.learning.demo  # noqa: F401
    import lms.learning.listeners  # noqa: F401
    import lms.learning.models  # noqa: F401
    import lms.quizzes.completion  # noqa: F401
    import lms.quizzes.demo  # noqa: F401
    import lms.quizzes.listeners  # noqa: F401
    import lms.quizzes.models  # noqa: F401
    import lms.notify.models  # noqa: F401
    import lms.rollout.models  # noqa: F401
    import lms.insights.demo  # noqa: F401
    import lms.insights.digest  # noqa: F401
    import lms.insights.models  # noqa: F401
    import lms.trainers.demo  # noqa: F401
    import lms.trainers.models  # noqa: F401
    import lms.workshops.attendance  # noqa: F401
    import lms.trainers.reminders  # noqa: F401
    import lms.workshops.delivery  # noqa: F401
    import lms.workshops.demo  # noqa: F401
    import lms.workshops.models  # noqa: F401
    import lms.api.models  # noqa: F401
    import lms.xapi.jobs  # noqa: F401
    import lms.xapi.listeners  # noqa: F401
    import lms.xapi.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for module_name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(module_name).bp)
