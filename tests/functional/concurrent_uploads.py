"""Upload archives from several threads at once into a real instance.

Run by tests/commands/test_main.py in its own process, because it opens the
instance's FileStorage from its zope.conf as the server would. Each thread
has its own ZODB connection and retries a ConflictError as the Zope
publisher does (three retries). Prints a JSON report on standard output.

Usage: python concurrent_uploads.py ZOPE_CONF SITE_ID CENTER_ID DIR [DIR ...]
(one directory of archives per thread).
"""

from collective.psc.commands.instance import login_as
from collective.psc.commands.instance import opened_app
from collective.psc.services import archives
from collective.psc.services import distributions
from pathlib import Path
from Testing.makerequest import makerequest
from ZODB.POSException import ConflictError
from ZODB.utils import u64
from zope.component.hooks import setSite
from zope.globalrequest import setRequest

import json
import sys
import threading
import transaction


ATTEMPTS = 4


def upload_all(db, site_id, center_id, paths, barrier, report):
    """Upload each archive in its own transaction, retrying conflicts."""
    # The thread's own default manager, as in the publisher: Plone's catalog
    # queue joins the transaction of transaction.get().
    manager = transaction.manager
    connection = db.open()
    try:
        app = makerequest(connection.root()["Application"])
        setRequest(app.REQUEST)
        login_as(app, "admin")
        site = app[site_id]
        setSite(site)
        center = site[center_id]
        barrier.wait()
        for path in paths:
            for attempt in range(1, ATTEMPTS + 1):
                manager.begin()
                try:
                    with path.open("rb") as stream:
                        archives.add_archive(
                            center=center, filename=path.name, stream=stream
                        )
                    manager.commit()
                except ConflictError as error:
                    manager.abort()
                    report["conflicts"] += 1
                    report["conflict_reasons"].append(str(error))
                    continue
                report["attempts"].append(attempt)
                break
            else:
                report["lost"].append(path.name)
    finally:
        manager.abort()
        connection.close()


def main(argv: list[str]) -> None:
    """Run the threads, then describe what the database holds."""
    zope_conf, site_id, center_id, *directories = argv
    groups = [sorted(Path(directory).iterdir()) for directory in directories]
    report = {"conflicts": 0, "conflict_reasons": [], "attempts": [], "lost": []}
    with opened_app(Path(zope_conf)) as app:
        db = app._p_jar.db()
        barrier = threading.Barrier(len(groups))
        threads = [
            threading.Thread(
                target=upload_all,
                args=(db, site_id, center_id, paths, barrier, report),
            )
            for paths in groups
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        app._p_jar.sync()
        login_as(app, "admin")
        site = app[site_id]
        setSite(site)
        center = site[center_id]
        entries = list(center.journal.entries())
        files = []
        for paths in groups:
            for path in paths:
                item = distributions.find_file(center=center, filename=path.name)
                if item is None:
                    continue
                files.append(
                    {
                        "filename": item.filename,
                        "sha256": item.sha256,
                        "tid": u64(item._p_serial),
                        "stored": archives.open_archive(item).read()
                        == path.read_bytes(),
                    }
                )
        report["files"] = files
        report["journal"] = [
            {
                "serial": e.serial,
                "project": e.project,
                "action": e.action,
                "filename": e.filename,
            }
            for e in entries
        ]
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
