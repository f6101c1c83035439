"""Curation: gallery, votes, decisions, ranking."""
