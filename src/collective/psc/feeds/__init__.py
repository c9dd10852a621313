"""Atom and RSS feeds of the new releases of a center or of a project."""
