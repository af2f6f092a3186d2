"""The served app: templates compiled and startup objects frozen out of the garbage collector before requests."""
from __future__ import annotations

import gc

from lms.core.serving import prepare_to_serve


def test_prepare_to_serve_compiles_templates_and_freezes_startup_objects(app):
    gc.unfreeze()
    try:
        assert prepare_to_serve(app) is app
        assert gc.get_freeze_count() > 10_000
        compiled = {key[1] for key in app.jinja_env.cache.keys()}
        assert {"base.html", "learning/my_learning.html", "insights/dashboard.html"} <= compiled
    finally:
        gc.unfreeze()


def test_a_prepared_app_still_serves_pages(app, client):
    gc.unfreeze()
    try:
        prepare_to_serve(app)
        response = client.get("/login")
        assert response.status_code == 200
        assert b"csrf_token" in response.data
    finally:
        gc.unfreeze()
