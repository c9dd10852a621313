"""``psc upstream set --track`` and ``psc upstream sync`` on a real instance."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.commands import free_port
from tests.fixtures.instances import new_instance
from tests.fixtures.instances import psc
from tests.fixtures.servers import running_nginx
from tests.fixtures.upstream import JSON_API
from tests.fixtures.upstream import requested
from tests.fixtures.upstream import StaticIndex

import pytest


pytestmark = pytest.mark.functional

CENTER = ("--center", "/Plone/pypi")
ADDON = "Framework :: Plone :: Addon"


@pytest.fixture
def instance(tmp_path):
    """Return a real instance with a center, alice and alices-tool."""
    (tmp_path / "instance").mkdir()
    return new_instance(tmp_path / "instance")


def test_sync_prints_progress_and_keeps_projects_when_unreachable(instance, tmp_path):
    index = StaticIndex(tmp_path / "upstream")
    built = tmp_path / "built"
    for name in ("named-tool", "plone-addon", "other-lib", "alices-tool"):
        index.publish(name, build_wheel(built / name, name, "1.0"))
    index.describe("named-tool", summary="Tracked by name.")
    index.describe("plone-addon", classifiers=[ADDON])
    index.describe("other-lib")
    index.describe("alices-tool", classifiers=[ADDON])
    run_dir = tmp_path / "nginx"
    locations = JSON_API.format(tree=index.root)
    with running_nginx(index.root, run_dir, locations=locations) as base:
        url = f"{base}/simple/"
        changed = psc(
            instance,
            "upstream",
            "set",
            *CENTER,
            "--url",
            url,
            "--track",
            "Named_Tool",
            "--track",
            "alices-tool",
            "--track-classifier",
            ADDON,
        )
        assert changed.returncode == 0, changed.stderr
        shown = psc(instance, "upstream", "show", *CENTER)
        first = psc(instance, "upstream", "sync", *CENTER)
        second = psc(instance, "upstream", "sync", *CENTER)
        closed = f"http://127.0.0.1:{free_port()}/simple/"
        psc(instance, "upstream", "set", *CENTER, "--url", closed)
        unreachable = psc(instance, "upstream", "sync", *CENTER)
        psc(instance, "upstream", "set", *CENTER, "--url", url)
        back = psc(instance, "upstream", "sync", *CENTER)
    rows = dict(line.split(":", 1) for line in shown.stdout.splitlines())
    assert rows["tracked"].strip() == "alices-tool named-tool"
    assert rows["classifiers"].strip() == ADDON
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [
        "[1/4] alices-tool: skipped",
        "[2/4] named-tool: added",
        "[4/4] plone-addon: added",
    ]
    assert first.stdout.splitlines() == [
        "Skipped alices-tool: a local project has the name.",
        "Synced: 3 fetched, 0 unchanged, 2 added, 0 updated, 0 removed, "
        "1 skipped, 0 errors.",
    ]
    assert second.returncode == 0, second.stderr
    assert "[2/4] named-tool: unchanged" in second.stderr
    assert second.stdout.splitlines()[-1].startswith("Synced: 0 fetched, 2 unchanged")
    fetched = [path for path in requested(run_dir / "access.log") if "/pypi/" in path]
    assert sorted(fetched) == [
        "/pypi/named-tool/json",
        "/pypi/other-lib/json",
        "/pypi/plone-addon/json",
    ]
    assert unreachable.returncode == 1
    assert "Error: " in unreachable.stderr
    assert "could not be read" in unreachable.stderr
    assert "0 removed" in unreachable.stdout
    # Nothing was lost: the projects are there, unchanged, not added again.
    assert back.returncode == 0, back.stderr
    assert "[2/4] named-tool: unchanged" in back.stderr
    assert "[4/4] plone-addon: unchanged" in back.stderr


def test_untracking_then_sync_removes(instance, tmp_path):
    index = StaticIndex(tmp_path / "upstream")
    index.publish("named-tool", build_wheel(tmp_path / "built", "named-tool", "1.0"))
    index.describe("named-tool")
    locations = JSON_API.format(tree=index.root)
    with running_nginx(index.root, tmp_path / "nginx", locations=locations) as base:
        url = f"{base}/simple/"
        psc(instance, "upstream", "set", *CENTER, "--url", url, "--track", "named-tool")
        added = psc(instance, "upstream", "sync", *CENTER)
        psc(instance, "upstream", "set", *CENTER, "--clear-tracked")
        asked = len(requested(tmp_path / "nginx" / "access.log"))
        removed = psc(instance, "upstream", "sync", *CENTER)
        shown = psc(instance, "upstream", "show", *CENTER)
    assert "1 added" in added.stdout, added.stderr
    # With nothing tracked the upstream is not asked at all.
    assert len(requested(tmp_path / "nginx" / "access.log")) == asked
    assert removed.returncode == 0, removed.stderr
    assert "1 removed" in removed.stdout
    rows = dict(line.split(":", 1) for line in shown.stdout.splitlines())
    assert rows["tracked"].strip() == "-"


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--track-classifier", "Framework :: Plone :: Adon", "Give classifiers"),
        ("--track", "not a name!", "Give project names"),
        ("--clear-tracked", "--track=named-tool", "Give --clear-tracked alone"),
    ],
)
def test_set_refuses_bad_tracking_input(instance, option, value, message):
    refused = psc(instance, "upstream", "set", *CENTER, option, value)
    assert refused.returncode != 0
    [line] = refused.stderr.strip().splitlines()
    assert message in line
    shown = psc(instance, "upstream", "show", *CENTER)
    rows = dict(line.split(":", 1) for line in shown.stdout.splitlines())
    assert rows["tracked"].strip() == "-"
    assert rows["classifiers"].strip() == "-"
