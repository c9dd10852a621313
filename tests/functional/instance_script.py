"""Prepare and inspect a real instance for the ``psc token`` tests.

Run in its own process, as the FileStorage allows one process at a time.

Usage: python instance_script.py ZOPE_CONF setup
       python instance_script.py ZOPE_CONF authenticate TOKEN
       python instance_script.py ZOPE_CONF upstream URL [RESERVED_PATTERN]
"""

from collective.psc.commands.instance import login_as
from collective.psc.commands.instance import opened_app
from collective.psc.services import projects
from collective.psc.tokens.store import authenticate_token
from pathlib import Path
from plone import api
from zope.component.hooks import setSite
from zope.globalrequest import setRequest

import json
import sys
import transaction


def setup(center) -> None:
    """Add the members alice and bob, and alice's project alices-tool."""
    for name in ("alice", "bob"):
        api.user.create(email=f"{name}@example.org", username=name, password="x" * 9)
    with api.env.adopt_user(username="alice"):
        projects.get_or_create_project(center=center, name="alices-tool")
    transaction.commit()


def authenticate(center, token: str) -> None:
    """Print the user and scope of a token as JSON, or null."""
    info = authenticate_token(center=center, token=token)
    print(json.dumps(info and {"user": info.user_id, "project": info.project}))


def upstream(center, url: str, *reserved: str) -> None:
    """Make an index URL the center's upstream, and reserve name patterns."""
    center.upstream_urls = [url]
    center.reserved_names = list(reserved)
    transaction.commit()


def main(argv: list[str]) -> None:
    zope_conf, command, *args = argv
    with opened_app(Path(zope_conf)) as app:
        setRequest(app.REQUEST)
        login_as(app, "admin")
        site = app["Plone"]
        setSite(site)
        center = site["pypi"]
        if command == "setup":
            setup(center)
        elif command == "upstream":
            upstream(center, *args)
        else:
            authenticate(center, *args)


if __name__ == "__main__":
    main(sys.argv[1:])
