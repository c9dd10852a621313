"""Upload archives into the center of a real instance, for the downloads tests.

Run in its own process, as the FileStorage allows one process at a time.

Usage: python uploads.py ZOPE_CONF ARCHIVE...

Prints each uploaded file's path below the center, by filename, as JSON.
"""

from collective.psc.commands.instance import login_as
from collective.psc.commands.instance import opened_app
from collective.psc.services.archives import add_archive
from collective.psc.simple.data import file_path
from pathlib import Path
from plone import api
from zope.component.hooks import setSite
from zope.globalrequest import setRequest

import json
import sys
import transaction


def main(argv: list[str]) -> None:
    zope_conf, *archives = argv
    paths = {}
    with opened_app(Path(zope_conf)) as app:
        setRequest(app.REQUEST)
        login_as(app, "admin")
        site = app["Plone"]
        setSite(site)
        center = site["pypi"]
        for archive in map(Path, archives):
            with api.env.adopt_roles(["Manager"]), archive.open("rb") as stream:
                distribution = add_archive(
                    center=center, filename=archive.name, stream=stream
                )
            transaction.commit()
            paths[distribution.filename] = file_path(distribution)
    print(json.dumps(paths))


if __name__ == "__main__":
    main(sys.argv[1:])
