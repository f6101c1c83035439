"""Curation: the grid, votes, decisions, near-duplicates, rankings and pairwise comparison."""
