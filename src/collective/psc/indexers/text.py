"""Keep releases and distribution files out of the full-text indexes.

Every wheel of a release shares words with its siblings ("py3", "none",
"any", the version); a text index stores one entry per word, so two uploads
committing at once would both rewrite the same entries and conflict every
time. People search for projects, which keep their full text; releases and
files are found through their project.
"""

from collective.psc.interfaces import IDistributionFile
from collective.psc.interfaces import IRelease
from plone.indexer import indexer
from typing import NoReturn


def _not_indexed(obj: object) -> NoReturn:
    raise AttributeError("not in the full-text indexes")


release_text = indexer(IRelease)(_not_indexed)
file_text = indexer(IDistributionFile)(_not_indexed)
