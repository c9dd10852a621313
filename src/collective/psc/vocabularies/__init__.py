"""Vocabularies of collective.psc."""
