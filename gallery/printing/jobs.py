"""The background job printing owns: making an export's PDF."""

from __future__ import annotations

from flask import Flask

from gallery import jobs


def register_jobs(app: Flask) -> None:
    """Run export jobs with ``operations.run_export``."""
    jobs.register_handler(app, "export", "gallery.printing.operations:run_export")
