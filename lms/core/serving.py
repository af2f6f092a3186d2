"""Getting a built app ready to serve requests: warm what every request needs, then freeze it out of the GC."""
from __future__ import annotations

import gc
import logging

from flask import Flask
from jinja2 import TemplateError
from sqlalchemy.orm import configure_mappers

log = logging.getLogger(__name__)


def prepare_to_serve(app: Flask) -> Flask:
    """Compile the templates and configure the mappers, then move every object alive into the GC's frozen set."""
    configure_mappers()
    for name in app.jinja_env.list_templates(extensions=("html", "txt", "ics", "xml")):
        try:
            app.jinja_env.get_template(name)
        except TemplateError as exc:  # the page that needs it reports the error; serving the others goes on
            log.warning("template %s does not compile: %s", name, exc)
    # The app holds a few hundred thousand long-lived objects (modules, mappers, compiled templates). Left in the
    # collector, every full collection walks them all, adding ~100 ms to whichever request triggers it; frozen,
    # they are never scanned again (and a forked worker keeps sharing their pages).
    gc.collect()
    gc.freeze()
    return app
