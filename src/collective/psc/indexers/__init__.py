"""Catalog indexers of collective.psc."""
