"""Upgrade steps of the collective.psc:default profile."""
