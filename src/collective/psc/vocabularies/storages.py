"""The vocabulary of registered archive storage strategies."""

from collective.psc.interfaces import IArchiveStorage
from zope.component import getUtilitiesFor
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


@provider(IVocabularyFactory)
def archive_storages(context: object) -> SimpleVocabulary:
    """List every registered IArchiveStorage utility by name."""
    terms = [
        SimpleTerm(value=name, token=name, title=getattr(utility, "title", name))
        for name, utility in sorted(getUtilitiesFor(IArchiveStorage))
    ]
    return SimpleVocabulary(terms)
