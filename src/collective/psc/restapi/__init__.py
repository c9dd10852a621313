"""Serialise centers' content with its packaging fields for plone.restapi (Volto)."""
