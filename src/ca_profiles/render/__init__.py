"""Turning results into output: rich tables for people, plain formats for machines."""
