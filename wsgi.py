"""WSGI entry point: `gunicorn 'wsgi:app'`."""
from lms import create_app
from lms.core.serving import prepare_to_serve

app = prepare_to_serve(create_app())
