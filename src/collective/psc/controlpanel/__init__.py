"""Site-wide defaults of collective.psc, kept in plone.registry."""
