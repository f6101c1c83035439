"""Fixtures for the curation tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def ctx(app):
    """A request context for domain tests (translated messages need a language)."""
    with app.test_request_context():
        yield app
