"""Fixtures of the upstream tests: a static upstream index served by nginx."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.servers import running_nginx
from tests.fixtures.upstream import configure
from tests.fixtures.upstream import JSON_API
from tests.fixtures.upstream import StaticIndex

import pytest


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
    locations = JSON_API.format(tree=static_index.root)
    with running_nginx(static_index.root, run_dir, locations=locations) as base:
        yield {"url": f"{base}/simple/", "log": run_dir / "access.log"}


@pytest.fixture
def index(served_center, client, static_index, upstream, tmp_path):
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
    configure(served_center, reserved_names=["acme-*"])
    for path in (
        build_wheel(built / "local", "acme-internal", "1.0"),
        build_wheel(built / "local", "shared-lib", "1.0"),
    ):
        assert client.upload(path).status == 200
    configure(
        served_center,
        upstream_urls=[upstream["url"]],
        upstream_allow_list=["Shared_Lib"],
        upstream_ttl=0,
    )
    return {"client": client, "upstream": upstream, "built": built}
