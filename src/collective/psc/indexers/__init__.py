"""Catalog indexers of projects: what the center's listing filters and shows."""
