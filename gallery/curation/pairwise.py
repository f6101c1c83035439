"""Pairwise curation maths ("which is more eye-catching?"): one import point for the web layer."""

from gallery.curation.bradley_terry import (
    Comparison,
    Fit,
    Outcome,
    Strength,
    comparisons_until_stable,
    fit_bradley_terry,
    spearman,
)
from gallery.curation.pairing import next_pair, random_pair

__all__ = [
    "Comparison",
    "Fit",
    "Outcome",
    "Strength",
    "comparisons_until_stable",
    "fit_bradley_terry",
    "next_pair",
    "random_pair",
    "spearman",
]
