"""Entry point for ``flask --app wsgi`` and ``gunicorn wsgi:app``."""

from gallery import create_app

app = create_app()
