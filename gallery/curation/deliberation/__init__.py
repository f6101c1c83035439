"""Curators deliberate: comments on works, conflicts of interest, and the jury's coverage.

``comments`` and ``conflicts`` hold the rules and operations (they flush, never commit),
``coverage`` the read side of the jury's progress; ``views`` and ``coverage_views`` connect
them to the pages listed in ``curation/blueprint.py``.
"""
