"""Flat find-links pages for buildout and pip --find-links."""
