"""The operations URL: the health check a load balancer asks."""

from __future__ import annotations

from flask import Blueprint

from gallery.ops import health

bp = Blueprint("ops", __name__)
bp.add_url_rule("/healthz", "healthz", health.healthz)

blueprints = (bp,)
