"""Fixtures of the print tests: an app whose exports are made inline, and a printer."""

from __future__ import annotations

import pytest

from tests.conftest import log_in_as
from tests.printing.export_kit import close_app, make_app


@pytest.fixture
def app(tmp_path):
    """An app whose export jobs run inline."""
    app = make_app(tmp_path)
    yield app
    close_app(app)


@pytest.fixture
def printer(app, client):
    """The client, logged in as a print volunteer."""
    log_in_as(client, app, "printer")
    return client
