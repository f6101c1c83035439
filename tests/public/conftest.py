"""Fixtures for the public site's tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def when():
    """Build UTC timestamps: ``when(2025, 3, 1)``."""
    return lambda *parts: datetime(*parts, tzinfo=UTC)
