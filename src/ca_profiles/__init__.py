"""Curated, sourced profiles of Central Asian states and their ties with China."""

__version__ = "0.1.0"
