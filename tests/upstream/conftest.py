"""Fixtures of the upstream tests: a static PEP 503/691 index served by nginx.

The upstream is a real second index: a tree of pages (HTML and JSON, as the
mirror export writes them) and archives, served by Debian's nginx on
loopback with an access log, so a test sees every request the center made.
"""

from collections.abc import Iterator
from collective.psc.simple import render
from contextlib import contextmanager
from datetime import datetime
from datetime import UTC
from pathlib import Path
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh
from tests.functional.client import read_metadata
from tests.mirroring.servers import checked
from tests.mirroring.servers import free_port
from tests.mirroring.servers import NGINX
from tests.mirroring.servers import NGINX_MAIN
from tests.mirroring.servers import running
from tests.mirroring.servers import running_nginx
from tests.simple.test_views import venv  # noqa: F401
from tests.upload.conftest import center  # noqa: F401
from tests.upload.conftest import client  # noqa: F401
from tests.upload.conftest import portal_server  # noqa: F401

import hashlib
import os
import pytest
import shutil
import transaction


class StaticIndex:
    """A PEP 503/691 tree on disk: project pages and the archives they link."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.projects: dict[str, list[Path]] = {}
        self.metadata: dict[str, bytes] = {}

    def offer_metadata(self, path: Path) -> None:
        """Serve the core metadata of a wheel beside it (PEP 658) from now on."""
        self.metadata[path.name] = read_metadata(path)
        self.write()

    def publish(self, name: str, *paths: Path) -> None:
        """Add archives to a project's page and write the tree again."""
        self.projects.setdefault(name, []).extend(paths)
        self.write()

    def replace(self, path: Path) -> None:
        """Put other bytes under an archive's filename and write the tree again."""
        for paths in self.projects.values():
            for index, known in enumerate(paths):
                if known.name == path.name:
                    paths[index] = path
        self.write()

    def write(self) -> None:
        """Write the pages and copy the archives."""
        files = self.root / "packages"
        files.mkdir(parents=True, exist_ok=True)
        for name, paths in self.projects.items():
            entries = []
            for path in paths:
                shutil.copyfile(path, files / path.name)
                item = entry(path)
                metadata = self.metadata.get(path.name)
                if metadata is not None:
                    (files / f"{path.name}.metadata").write_bytes(metadata)
                    digest = hashlib.sha256(metadata).hexdigest()
                    item["core-metadata"] = {"sha256": digest}
                entries.append(item)
            page = {
                "meta": {"api-version": "1.1"},
                "name": name,
                "versions": [],
                "files": entries,
                "project-status": {"status": "active"},
            }
            self._page(f"simple/{name}", render.project_html(page), page)
        root = {
            "meta": {"api-version": "1.1"},
            "projects": [{"name": name} for name in sorted(self.projects)],
        }
        self._page("simple", render.root_html(root), root)

    def _page(self, directory: str, html: str, page: dict) -> None:
        target = self.root / directory
        target.mkdir(parents=True, exist_ok=True)
        (target / "index.html").write_text(html)
        (target / "index.v1_html").write_text(html)
        (target / "index.v1_json").write_text(render.page_json(page))


def entry(path: Path) -> dict:
    """Return the PEP 691 entry of an archive linked from a project page."""
    data = path.read_bytes()
    return {
        "filename": path.name,
        "url": f"../../packages/{path.name}",
        "hashes": {"sha256": hashlib.sha256(data).hexdigest()},
        "requires-python": None,
        "size": len(data),
        "upload-time": datetime(2026, 1, 1, tzinfo=UTC).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        ),
        "yanked": False,
        "core-metadata": False,
    }


@pytest.fixture
def static_index(tmp_path):
    """Return an empty static upstream index."""
    index = StaticIndex(tmp_path / "upstream")
    index.write()
    return index


@pytest.fixture
def upstream(static_index, tmp_path):
    """Serve the static index with nginx; yield its base URL and access log."""
    run_dir = tmp_path / "nginx"
    with running_nginx(static_index.root, run_dir) as base:
        yield {"url": f"{base}/simple/", "log": run_dir / "access.log"}


# A plain static site: index.html for every directory, whatever the Accept
# header asks for, as a PEP 503 index without JSON is served.
PLAIN_SITE = """\
server {{
    listen 127.0.0.1:{port};
    root {tree};
    index index.html;
    types {{ text/html html; }}
    default_type application/octet-stream;
}}
"""


@contextmanager
def running_plain_nginx(tree: Path, run_dir: Path) -> Iterator[str]:
    """Serve a tree as plain static files with nginx; yield the index URL."""
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    site = PLAIN_SITE.format(port=port, tree=tree)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config.write_text(NGINX_MAIN.substitute(user=user, run_dir=run_dir, site=site))
    argv = checked([NGINX, "-p", str(run_dir), "-e", "stderr", "-c", str(config)])
    with running([*argv, "-g", "daemon off;"], port=port, run_dir=run_dir):
        yield f"http://127.0.0.1:{port}/simple/"


def configure(served, **settings) -> None:
    """Commit upstream settings on the server's center."""
    transaction.begin()
    target = fresh(served)
    for key, value in settings.items():
        setattr(target, key, value)
    transaction.commit()


def requested(log: Path) -> list[str]:
    """Return the paths the upstream was asked for, in order."""
    if not log.exists():
        return []
    return [line.split('"')[1].split()[1] for line in log.read_text().splitlines()]


@pytest.fixture
def index(center, client, static_index, upstream, tmp_path):  # noqa: F811
    """Publish the upstream projects, upload the local ones, configure the center."""
    built = tmp_path / "built"
    static_index.publish(
        "acme-internal", build_wheel(built / "evil", "acme-internal", "99.0")
    )
    static_index.publish(
        "acme-secret", build_wheel(built / "secret", "acme-secret", "1.0")
    )
    static_index.publish(
        "shared-lib",
        build_wheel(
            built / "shared",
            "shared-lib",
            "2.0",
            metadata_extra={"Requires-Dist": "upstream-dep"},
        ),
        build_wheel(built / "smuggled", "Acme_Internal", "100.0"),
    )
    static_index.publish(
        "upstream-dep", build_wheel(built / "dep", "upstream-dep", "1.0")
    )
    static_index.publish("changing", build_wheel(built / "one", "changing", "1.0"))
    configure(center, reserved_names=["acme-*"])
    for path in (
        build_wheel(built / "local", "acme-internal", "1.0"),
        build_wheel(built / "local", "shared-lib", "1.0"),
    ):
        assert client.upload(path).status == 200
    configure(
        center,
        upstream_urls=[upstream["url"]],
        upstream_allow_list=["Shared_Lib"],
        upstream_ttl=0,
    )
    return {"client": client, "upstream": upstream, "built": built}
