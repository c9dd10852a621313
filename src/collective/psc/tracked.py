"""Which projects of a center are tracked from an upstream, and which are local.

A tracked upstream project is content in the center (its page, the listing),
but not a local project for the merge policy: its simple page, JSON and
find-links still come from the upstream. This leaf module answers that
question for every part of the add-on, without loading a project.
"""

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from collective.psc.interfaces import IUpstreamProject
from typing import Any


TRACKED_ATTRIBUTE = "_psc_upstream_tracked"


def tracked_names(center: Any) -> OOBTree | dict:
    """Return the names of the tracked projects, mapped to their upstream serials."""
    tree = getattr(aq_base(center), TRACKED_ATTRIBUTE, None)
    return {} if tree is None else tree


def set_tracked(center: Any, name: str, serial: int | None) -> None:
    """Record that a name is tracked, at an upstream serial."""
    tree = getattr(aq_base(center), TRACKED_ATTRIBUTE, None)
    if tree is None:
        tree = OOBTree()
        setattr(center, TRACKED_ATTRIBUTE, tree)
    if tree.get(name, -1) != serial:
        tree[name] = serial


def forget_tracked(center: Any, name: str) -> None:
    """Record that a name is no longer tracked."""
    tree = getattr(aq_base(center), TRACKED_ATTRIBUTE, None)
    if tree is not None and name in tree:
        del tree[name]


def is_tracked(project: Any) -> bool:
    """Tell whether a project is tracked from an upstream."""
    return IUpstreamProject.providedBy(project)


def is_local(center: Any, name: str) -> bool:
    """Tell whether a normalized name is a local project of the center."""
    project = center.get(name)
    return project is not None and not is_tracked(project)


def local_project(center: Any, name: str) -> Any:
    """Return the local project of a normalized name, or None (also when tracked)."""
    project = center.get(name)
    return None if project is None or is_tracked(project) else project


def local_names(center: Any) -> list[str]:
    """Return the ids of the center's local projects, in the center's order."""
    tracked = tracked_names(center)
    if not tracked:
        return list(center.objectIds())
    return [name for name in center.objectIds() if name not in tracked]
