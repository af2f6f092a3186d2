"""The migrations and the models agree, and every revision downgrades and upgrades again."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from lms.extensions import db as _db


def _differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, _db.metadata)


def test_models_match_migrations(app, db):
    assert _differences(db.engine) == []


def test_downgrade_to_base_and_upgrade_again(app, db):
    directory = app.config["LMS_MIGRATIONS_DIR"]
    db.session.remove()
    downgrade(directory=directory, revision="base")
    remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade(directory=directory)
    assert set(inspect(db.engine).get_table_names()) >= {t.name for t in _db.metadata.sorted_tables}
    assert _differences(db.engine) == []


def test_every_revision_steps_down_and_up(app, db):
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401  (ensures extension is loaded)

    directory = app.config["LMS_MIGRATIONS_DIR"]
    config = app.extensions["migrate"].migrate.get_config(directory)
    revisions = list(ScriptDirectory.from_config(config).walk_revisions())
    assert revisions, "no migrations found"
    db.session.remove()
    for _ in revisions:
        downgrade(directory=directory, revision="-1")
    for _ in revisions:
        upgrade(directory=directory, revision="+1")
    assert _differences(db.engine) == []
