"""A fast start: building the app loads no heavy library, so every command and worker starts fast.

Each heavy library loads where it is used (a fit, an upload, an export, a pack, a file in S3,
a queued job, a ``db`` command). How long start-up takes is measured by
``bench/bench_startup.py``, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[1]
HEAVY = {
    "scipy",
    "numpy",
    "weasyprint",
    "pikepdf",
    "boto3",
    "botocore",
    "fontTools",
    "redis",
    "rq",
    "alembic",
    "pdfplumber",
}
# Loaded by any app build: the probe below must see them, or it proves nothing.
ALWAYS = {"flask", "sqlalchemy", "flask_babel", "gallery"}
REPORT = "import json, sys, wsgi; print(json.dumps(sorted(sys.modules)))"


def packages_after_building(settings: dict[str, str]) -> set[str]:
    """Import ``wsgi`` (which builds the app) in a fresh interpreter; return its top packages."""
    env = {**os.environ, **{f"GALLERY_{k}": v for k, v in settings.items()}}
    done = subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in json.loads(done.stdout.strip().splitlines()[-1])}


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({}, id="default"),
        pytest.param(
            {
                # Nothing listens there: building the app must not connect to either.
                "S3_BUCKET": "stickers",
                "S3_ENDPOINT_URL": "http://127.0.0.1:9",
                "JOB_BACKEND": "rq",
                "REDIS_URL": "redis://127.0.0.1:9/0",
            },
            id="s3-and-rq",
        ),
    ],
)
def test_building_the_app_loads_no_heavy_library(app, tmp_path, extra):
    """Importing ``wsgi`` on a migrated database leaves SciPy, NumPy, WeasyPrint … unloaded."""
    settings = {
        "DATABASE_URL": database_url(tmp_path),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "startup-test",
        "LOG_FORMAT": "none",
        **extra,
    }
    loaded = packages_after_building(settings)
    assert loaded >= ALWAYS
    assert sorted(loaded & HEAVY) == []
