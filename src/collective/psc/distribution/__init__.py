"""The "Python package index" Plone distribution and its front page."""
