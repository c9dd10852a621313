"""Write a Zope instance's configuration, open it, and create the site and center."""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import argparse
import gc
import os
import re
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
    # host:port of a ZEO server (``psc zeo``); None for the embedded FileStorage.
    zeo_address: str | None = None
    # A PostgreSQL DSN for RelStorage (history-free); None for no RelStorage.
    relstorage_dsn: str | None = None

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
        **storage_section(settings, var),
    }
    etc = var / "instance" / "etc"
    for name in ("zope.conf", "zope.ini"):
        text = Template((TEMPLATES / f"{name}.in").read_text()).substitute(values)
        _write_atomically(etc / name, text)
    _write_atomically(etc / "site.zcml", (TEMPLATES / "site.zcml").read_text())


def storage_section(settings: InstanceSettings, var: Path) -> dict[str, str]:
    """Return the zope.conf lines of the database: FileStorage, ZEO or RelStorage."""
    if settings.zeo_address is not None and settings.relstorage_dsn is not None:
        raise SystemExit("Choose ZEO or RelStorage, not both.")
    if settings.relstorage_dsn is not None:
        return _relstorage_section(settings.relstorage_dsn, var)
    if settings.zeo_address is None:
        storage = (
            "    <filestorage>\n"
            f"        path {var}/filestorage/Data.fs\n"
            f"        blob-dir {var}/blobstorage\n"
            "    </filestorage>"
        )
        return {"storage_imports": "", "storage": storage}
    (var / "blobcache").mkdir(exist_ok=True)
    (var / "blobcache").chmod(0o700)
    # ZEO's own section (%import ZEO): ZODB's <zeoclient> has no server-sync.
    storage = (
        "    <clientstorage>\n"
        f"        server {settings.zeo_address}\n"
        "        storage 1\n"
        "        name zeostorage\n"
        f"        blob-dir {var}/blobcache\n"
        "        shared-blob-dir off\n"
        "        blob-cache-size 1GB\n"
        "        cache-size 128MB\n"
        # Each request's transaction asks the server for the invalidations
        # still on their way: a write on one instance is read on the next.
        "        server-sync on\n"
        "    </clientstorage>"
    )
    return {"storage_imports": "%import ZEO\n", "storage": storage}


def _relstorage_section(dsn: str, var: Path) -> dict[str, str]:
    if "\n" in dsn:
        raise SystemExit("The RelStorage DSN must be one line.")
    (var / "blobcache").mkdir(exist_ok=True)
    (var / "blobcache").chmod(0o700)
    storage = (
        "    <relstorage>\n"
        "        keep-history false\n"
        f"        blob-dir {var}/blobcache\n"
        "        shared-blob-dir false\n"
        "        blob-cache-size 1GB\n"
        "        <postgresql>\n"
        f"            dsn {dsn}\n"
        "        </postgresql>\n"
        "    </relstorage>"
    )
    return {"storage_imports": "%import relstorage\n", "storage": storage}


def write_zeo_server(var: Path, address: str) -> Path:
    """Write the configuration of a ZEO server for an instance's data; return it."""
    var = var.resolve()
    for folder in ("filestorage", "blobstorage", "zeo"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    (var / "blobstorage").chmod(0o700)
    path = var / "zeo" / "zeo.conf"
    _write_atomically(
        path,
        '# ZEO server configuration written by "psc zeo".\n'
        "<zeo>\n"
        f"    address {address}\n"
        f"    pid-filename {var}/zeo/zeo.pid\n"
        "</zeo>\n"
        "<filestorage 1>\n"
        f"    path {var}/filestorage/Data.fs\n"
        f"    blob-dir {var}/blobstorage\n"
        "</filestorage>\n"
        "<eventlog>\n"
        "    <logfile>\n"
        f"        path {var}/log/zeo.log\n"
        "        format %(asctime)s %(levelname)s %(name)s %(message)s\n"
        "    </logfile>\n"
        "</eventlog>\n",
    )
    (var / "log").mkdir(exist_ok=True)
    return path


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


# The translations a data command loads: its output is English, and parsing
# every language's catalogues of every package costs a tenth of its start-up.
DATA_COMMAND_LANGUAGES = frozenset({"en"})


@contextmanager
def opened_app(
    zope_conf: Path, *, languages: frozenset[str] | None = DATA_COMMAND_LANGUAGES
) -> Iterator[Any]:
    """Open the Zope application of an instance, closing its database after.

    ``languages`` limits the translations Zope loads, unless the environment
    sets ``zope_i18n_allowed_languages``; None loads them all, as a site that
    serves pages must.
    """
    import Zope2

    start_zope(zope_conf, languages=languages)
    try:
        with connected_app() as app:
            yield app
    finally:
        Zope2.DB.close()


def start_zope(zope_conf: Path, *, languages: frozenset[str] | None = None) -> None:
    """Load Zope and open the instance's database, or explain in one line why not."""
    from zope.i18n import config as i18n_config
    from Zope2.Startup.run import make_wsgi_app

    import zc.lockfile

    if languages is not None and i18n_config.ALLOWED_LANGUAGES_KEY not in os.environ:
        i18n_config.ALLOWED_LANGUAGES = languages

    if not zope_conf.exists():
        raise SystemExit(
            f"No Zope configuration at {zope_conf}; run 'psc init' first or pass -C."
        )
    # Loading Zope creates millions of objects that all live on: the cyclic
    # garbage collector finds nothing to free and costs about 8 % of the
    # start-up (benchmarks/startup.py), so it waits until Zope is loaded.
    gc.disable()
    try:
        make_wsgi_app({}, str(zope_conf))
    except zc.lockfile.LockError as error:
        raise SystemExit(database_in_use(error)) from None
    finally:
        gc.freeze()
        gc.enable()


@contextmanager
def connected_app() -> Iterator[Any]:
    """Yield the Zope application of the started Zope with a request, then close it."""
    from Testing.makerequest import makerequest

    import Zope2

    app = makerequest(Zope2.app())
    try:
        yield app
    finally:
        transaction.abort()
        noSecurityManager()
        app._p_jar.close()


def database_in_use(error: Exception) -> str:
    """Return the sentence for a FileStorage that another process holds."""
    lock = _lock_path(str(error))
    pid = _lock_owner(lock) if lock else None
    who = f"process {pid}" if pid else "another process"
    data = f" {lock.with_suffix('')}" if lock else ""
    return (
        f"The site is running ({who}) and holds its database{data}; stop it "
        "first: the embedded FileStorage opens in one process at a time (on ZEO "
        "or RelStorage, psc commands run while the site serves)."
    )


def _lock_path(message: str) -> Path | None:
    found = re.search(r"'([^']+\.lock)'", message)
    return Path(found.group(1)) if found else None


def _lock_owner(lock: Path) -> str | None:
    try:
        text = lock.read_text().strip()
    except OSError:
        return None
    return text.split()[0] if text and text.split()[0].isdigit() else None


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
    # The same Zope serves the site after psc serve's start: all languages.
    with opened_app(settings.zope_conf, languages=None) as app:
        return ensure_content(
            app, settings, site_id=site_id, center_id=center_id, password=password
        )


def private_temporary_directory(settings: InstanceSettings) -> Path:
    """Give this process a temporary directory of its own; remove dead ones' folders.

    ZODB writes an archive being uploaded into an uncommitted blob file
    (``BUC*``) in the temporary directory and deletes it after the commit or
    the abort; a process killed meanwhile leaves it behind, as large as the
    archive. So each ``psc serve`` process takes a folder ``run-*`` under
    ``var/instance/tmp``, locked for as long as it lives (the lock goes with
    the process, however it ends), and removes the folders whose lock no
    process holds any more.
    """
    import shutil
    import tempfile
    import zc.lockfile

    root = settings.instance / "tmp"
    root.mkdir(mode=0o700, exist_ok=True)
    for folder in root.glob("run-*"):
        lock_file = folder / "lock"
        if not lock_file.exists():
            continue  # being made by a process starting at this moment
        try:
            zc.lockfile.LockFile(str(lock_file)).close()
        except zc.lockfile.LockError:
            continue  # the folder of a running process
        shutil.rmtree(folder, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=root))
    # Held until the process ends: the module keeps the lock object alive.
    _TEMPORARY_LOCKS.append(zc.lockfile.LockFile(str(folder / "lock")))
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)
    return folder


_TEMPORARY_LOCKS: list[Any] = []


def serve_instance(
    settings: InstanceSettings,
    *,
    site_id: str,
    center_id: str,
    announce: Callable[[dict[str, Any]], None],
) -> None:
    """Write the configuration, start Zope once, add what is missing, serve.

    The WSGI pipeline of ``zope.ini`` is loaded first, which starts Zope and
    opens the database; the admin, site and center are then made in that same
    process, and the server runs until it is stopped.
    """
    from paste.deploy import loadapp
    from paste.deploy import loadserver
    from Zope2.Startup.serve import setup_logging

    import zc.lockfile
    import Zope2

    write_instance(settings)
    private_temporary_directory(settings)
    password = admin_password(settings.var)
    ini = f"config:{settings.zope_ini.resolve()}"
    server = loadserver(ini)
    try:
        app = loadapp(ini)
    except zc.lockfile.LockError as error:
        raise SystemExit(database_in_use(error)) from None
    try:
        with connected_app() as zope_app:
            announce(
                ensure_content(
                    zope_app,
                    settings,
                    site_id=site_id,
                    center_id=center_id,
                    password=password,
                )
            )
        # The server's logging from zope.ini: after the site set-up, whose
        # profile imports would fill the log on the first start.
        setup_logging(str(settings.zope_ini.resolve()))
        server(app)
    except KeyboardInterrupt:
        pass
    finally:
        for database in Zope2.opened:
            database.close()


def ensure_content(
    app: Any,
    settings: InstanceSettings,
    *,
    site_id: str,
    center_id: str,
    password: str,
) -> dict[str, Any]:
    """Make sure the admin user, the site and its center exist; commit."""
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
    # Readable by its owner only: zope.conf may hold a database password.
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)
