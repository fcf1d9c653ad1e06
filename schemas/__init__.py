"""Frictionless Table Schemas published by West Suffolk Council (data files; see README)."""
