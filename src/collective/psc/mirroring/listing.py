"""Keep each tree's project list between exports, brought up to date from the journal.

Building the list from scratch reads every project's serial and every id of
the center; an export needs only the entries since the list it kept: the
projects they name get their newest serial, and are added or dropped as the
center holds them or not. The list is the same PEP 691 dict that
``simple/data.py`` builds (``psc mirror verify`` compares the two).
"""

from bisect import bisect_left
from collective.psc.simple import data
from collective.psc.types import Center
from operator import itemgetter
from pathlib import Path


class ProjectList:
    """The root page of a center at one serial of its journal."""

    def __init__(self, journal: str, page: dict) -> None:
        self.journal = journal
        self.page = page
        self._listed = {entry["name"]: entry for entry in page["projects"]}

    @classmethod
    def build(cls, center: Center) -> "ProjectList":
        """Return the list of a center built from scratch."""
        return cls(center.journal.uid, data.root_page(center))

    @property
    def serial(self) -> int:
        """Return the serial the list is at."""
        return self.page["meta"]["_last-serial"]

    def follow(self, center: Center) -> None:
        """Apply the journal entries since the list's serial."""
        history = center.journal
        newest = {entry.project: entry.serial for entry in history.entries(self.serial)}
        for name, serial in newest.items():
            listed = self._listed.get(name)
            if name not in center:
                if listed is not None:
                    del self.page["projects"][self._position(name)]
                    del self._listed[name]
            elif listed is None:
                listed = {"name": name, "_last-serial": serial}
                self.page["projects"].insert(self._position(name), listed)
                self._listed[name] = listed
            else:
                listed["_last-serial"] = serial
        self.page["meta"]["_last-serial"] = history.last_serial

    def _position(self, name: str) -> int:
        # Ids sort as the center's BTree keeps them, which is the order of
        # objectIds() that data.root_page lists.
        return bisect_left(self.page["projects"], name, key=itemgetter("name"))


# The list of each tree, by its root. Exports of a tree hold its lock, so
# one thread at a time reads and changes a tree's list.
LISTS: dict[Path, ProjectList] = {}


def project_list(center: Center, root: Path) -> ProjectList:
    """Return the project list of a tree, at the center's serial."""
    kept = LISTS.get(root)
    history = center.journal
    if kept is None or kept.journal != history.uid or kept.serial > history.last_serial:
        kept = LISTS[root] = ProjectList.build(center)
    else:
        kept.follow(center)
    return kept


def keep(root: Path, listing: ProjectList) -> None:
    """Keep a list built for a tree, for the tree's next export."""
    LISTS[root] = listing
