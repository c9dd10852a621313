"""Write a Zope instance's configuration, open it, and create the site and center."""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import argparse
import os
import secrets
import transaction


TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_VAR = Path("var")
DEFAULT_ZOPE_CONF = DEFAULT_VAR / "instance" / "etc" / "zope.conf"
ADMIN_USER = "admin"
DISTRIBUTION = "psc"
SITE_TITLE = "Python package index"
SITE_DESCRIPTION = "Python packages to install with pip, uv and buildout."
CENTER_TITLE = "Package index"


@dataclass(frozen=True)
class InstanceSettings:
    """Where an instance keeps its data and where it listens."""

    var: Path = DEFAULT_VAR
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 4

    @property
    def instance(self) -> Path:
        """Return the instance home, holding etc/."""
        return self.var / "instance"

    @property
    def zope_conf(self) -> Path:
        """Return the path of zope.conf."""
        return self.instance / "etc" / "zope.conf"

    @property
    def zope_ini(self) -> Path:
        """Return the path of the WSGI configuration."""
        return self.instance / "etc" / "zope.ini"


def write_instance(settings: InstanceSettings) -> None:
    """Write zope.conf, zope.ini and site.zcml, keeping the data in place."""
    var = settings.var.resolve()
    for folder in ("instance/etc", "filestorage", "blobstorage", "log", "cache"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    # ZODB refuses a blob directory that others may read.
    (var / "blobstorage").chmod(0o700)
    values = {
        "var": str(var),
        "instance": str(var / "instance"),
        "host": settings.host,
        "port": str(settings.port),
        "threads": str(settings.threads),
    }
    etc = var / "instance" / "etc"
    for name in ("zope.conf", "zope.ini"):
        text = Template((TEMPLATES / f"{name}.in").read_text()).substitute(values)
        _write_atomically(etc / name, text)
    _write_atomically(etc / "site.zcml", (TEMPLATES / "site.zcml").read_text())


def admin_password(var: Path) -> str:
    """Return the admin password kept in var/, generating it the first time."""
    path = var / "admin-password"
    if path.exists():
        return path.read_text().strip()
    password = os.environ.get("PSC_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


@contextmanager
def opened_app(zope_conf: Path) -> Iterator[Any]:
    """Open the Zope application of an instance, closing its database after."""
    from Testing.makerequest import makerequest
    from Zope2.Startup.run import make_wsgi_app

    import Zope2

    if not zope_conf.exists():
        raise SystemExit(
            f"No Zope configuration at {zope_conf}; run 'psc init' first or pass -C."
        )
    make_wsgi_app({}, str(zope_conf))
    app = makerequest(Zope2.app())
    try:
        yield app
    finally:
        transaction.abort()
        noSecurityManager()
        app._p_jar.close()
        Zope2.DB.close()


def login_as(app: Any, username: str) -> None:
    """Run the following code as a user of the Zope root user folder."""
    user = app.acl_users.getUser(username)
    if user is None:
        raise SystemExit(f"There is no user {username!r} in the Zope root.")
    newSecurityManager(None, user.__of__(app.acl_users))


def add_center_argument(parser: argparse.ArgumentParser) -> None:
    """Add the ``--center PATH`` option to a subcommand."""
    parser.add_argument(
        "--center",
        required=True,
        help="the path of the software center, for example /Plone/pypi",
    )


def open_center(app: Any, args: argparse.Namespace) -> Any:
    """Log in as the global --user and return the center, its site made current."""
    from Acquisition import aq_chain
    from collective.psc.interfaces import ISoftwareCenter
    from Products.CMFCore.interfaces import ISiteRoot
    from zope.component.hooks import setSite

    login_as(app, args.user)
    center = app.unrestrictedTraverse(args.center.strip("/"), None)
    if center is None or not ISoftwareCenter.providedBy(center):
        raise SystemExit(f"There is no software center at {args.center}.")
    site = next(obj for obj in aq_chain(center) if ISiteRoot.providedBy(obj))
    setSite(site)
    return center


def call_service(function: Any, **kwargs: Any) -> Any:
    """Call a service function, turning its errors into a message and exit code."""
    from collective.psc.exceptions import PSCError

    try:
        return function(**kwargs)
    except PSCError as error:
        raise SystemExit(error.message) from None


def ensure_admin(app: Any, *, username: str, password: str) -> bool:
    """Create the Manager user in the Zope root unless it exists."""
    if app.acl_users.getUser(username) is not None:
        return False
    app.acl_users._doAddUser(username, password, ["Manager"], [])
    return True


def ensure_site(
    app: Any, *, site_id: str, title: str, center_id: str, center_title: str
) -> tuple[Any, bool]:
    """Return the site, creating it from the "psc" distribution if missing."""
    from plone.distribution.api import site as site_api

    if site_id in app.objectIds():
        return app[site_id], False
    answers = {
        "site_id": site_id,
        "title": title,
        "description": SITE_DESCRIPTION,
        "center_id": center_id,
        "center_title": center_title,
        "default_language": "en",
        "portal_timezone": "UTC",
    }
    return site_api.create(app, DISTRIBUTION, answers), True


def ensure_center(site: Any, *, center_id: str, title: str) -> tuple[Any, bool]:
    """Return the software center of an id in a site, creating it if missing."""
    from plone import api
    from zope.component.hooks import setSite

    setSite(site)
    if center_id in site.objectIds():
        return site[center_id], False
    center = api.content.create(
        container=site, type="SoftwareCenter", id=center_id, title=title
    )
    return center, True


def init_instance(
    settings: InstanceSettings,
    *,
    site_id: str,
    center_id: str,
) -> dict[str, Any]:
    """Write the configuration and make sure the admin, site and center exist."""
    write_instance(settings)
    password = admin_password(settings.var)
    with opened_app(settings.zope_conf) as app:
        ensure_admin(app, username=ADMIN_USER, password=password)
        transaction.commit()
        login_as(app, ADMIN_USER)
        site, site_created = ensure_site(
            app,
            site_id=site_id,
            title=SITE_TITLE,
            center_id=center_id,
            center_title=CENTER_TITLE,
        )
        center, center_created = ensure_center(
            site, center_id=center_id, title=CENTER_TITLE
        )
        center_created = center_created or site_created
        transaction.commit()
        return {
            "url": f"http://{settings.host}:{settings.port}/{site_id}",
            "center_url": f"http://{settings.host}:{settings.port}/{site_id}/"
            f"{center.getId()}",
            "username": ADMIN_USER,
            "password": password,
            "site_created": site_created,
            "center_created": center_created,
        }


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)
