"""Export a center to its mirror directories after each commit that changed it.

The export reads the committed state through a connection of its own, after
taking the tree's lock: concurrent uploads commit independently (their
journal entries are merged by conflict resolution), so only the committed
state, read after the previous export finished, holds every change. An
aborted transaction calls no hook and writes nothing.
"""

from Acquisition import aq_base
from collective.psc import logger
from collective.psc.interfaces import ICenterChangedEvent
from collective.psc.mirroring.behaviors import mirror_targets
from collective.psc.mirroring.sync import export_changes
from collective.psc.mirroring.writer import Tree
from collective.psc.types import Center

import transaction


# Key of the centers a transaction changed, in the transaction's data.
PENDING = object()


def center_changed(center: Center, event: ICenterChangedEvent) -> None:
    """Export the center to its mirrors once the transaction has committed."""
    targets = mirror_targets(center)
    if not targets:
        return
    current = transaction.get()
    try:
        pending = current.data(PENDING)
    except KeyError:
        pending = {}
        current.set_data(PENDING, pending)
        current.addAfterCommitHook(export_after_commit, args=(pending,))
    path = "/".join(center.getPhysicalPath())
    pending[path] = (aq_base(center), tuple(targets))


def export_after_commit(committed: bool, pending: dict) -> None:
    """Export each changed center; a failure is logged, never raised."""
    if not committed:
        return
    for path, (center, targets) in pending.items():
        try:
            export_committed(center._p_jar.db(), path, targets)
        except Exception:
            logger.exception("Could not export %s to its mirrors.", path)


def export_committed(db, path: str, targets: tuple[str, ...]) -> None:
    """Export the committed state of a center to each of its mirror directories.

    The center is traversed to from the application root, so that its
    content has its acquisition chain, as the storage strategies expect.
    """
    manager = transaction.TransactionManager()
    connection = db.open(transaction_manager=manager)
    try:
        for target in targets:
            tree = Tree(target)
            try:
                tree.claim(center_path=path)
                with tree.locked():
                    # Begin after the lock: this export sees every commit
                    # the previous one may have missed.
                    manager.begin()
                    application = connection.root()["Application"]
                    center = application.unrestrictedTraverse(path.lstrip("/"))
                    export_changes(center, tree, center_path=path)
            except Exception:
                logger.exception(
                    "Could not export %s to the mirror %s; 'psc mirror resync' "
                    "repairs it.",
                    path,
                    target,
                )
    finally:
        manager.abort()
        connection.close()
