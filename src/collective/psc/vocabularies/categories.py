"""The vocabulary of project categories: the site's list, and what a project has."""

from collective.psc.controlpanel.settings import categories
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

import hashlib


@provider(IVocabularyFactory)
def project_categories(context: object) -> SimpleVocabulary:
    """List the site's categories, then any other category the project carries.

    A category the site no longer offers stays selectable on the projects
    that have it, so that editing them does not drop it silently.
    """
    values = categories()
    current = getattr(context, "categories", None) or []
    values += [value for value in current if value not in values]
    return SimpleVocabulary(
        [
            SimpleTerm(value=value, token=_token(value), title=value)
            for value in dict.fromkeys(values)
        ]
    )


def _token(value: str) -> str:
    """Return the category itself when it is ASCII, else a hash of it."""
    if value.isascii():
        return value
    return hashlib.sha256(value.encode()).hexdigest()[:16]
