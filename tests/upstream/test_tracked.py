"""Tracked upstream projects: synced from a real upstream, shown, never local."""

from collective.psc.commands.upstream import ProgressBar
from collective.psc.exceptions import SyncRefused
from collective.psc.exceptions import TrackedUpstream
from collective.psc.interfaces import IUpstreamProject
from collective.psc.mirroring import export
from collective.psc.services import claims
from collective.psc.services import maintainers
from collective.psc.services import releases
from collective.psc.upload.publish import publish_archive
from collective.psc.upstream import proxy
from collective.psc.upstream import sync
from pathlib import Path
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_upload
from tests.fixtures.commands import free_port
from tests.fixtures.served import fresh
from tests.fixtures.upstream import configure
from tests.fixtures.upstream import requested
from urllib.parse import urljoin

import hashlib
import os
import pytest
import requests
import transaction


pytestmark = pytest.mark.functional

ADDON = "Framework :: Plone :: Addon"
README = """\
Plone add-on
============

A *tracked* add-on.

Changelog
=========

2.0 (2026-02-01)
----------------

- Second release.
"""
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
def tracked(served_center, client, static_index, upstream, tmp_path):
    """Publish upstream projects, one local, and track some by name and classifier."""
    built = tmp_path / "built"
    static_index.publish(
        "plone-addon",
        build_wheel(built / "one", "plone-addon", "1.0"),
        build_wheel(built / "two", "plone-addon", "2.0"),
    )
    static_index.describe(
        "plone-addon",
        summary="An add-on from upstream.",
        description=README,
        classifiers=[ADDON, "Framework :: Plone :: 6.1", "Topic :: Internet"],
        project_urls={"Source": "https://git.example/plone-addon"},
    )
    static_index.publish("named-tool", build_wheel(built, "named-tool", "0.5"))
    static_index.describe("named-tool", summary="Tracked by its name.")
    static_index.publish("untracked-lib", build_wheel(built, "untracked-lib", "3.0"))
    static_index.describe("untracked-lib", summary="Nobody tracks me.")
    static_index.publish("acme-addon", build_wheel(built, "acme-addon", "1.0"))
    static_index.describe("acme-addon", classifiers=[ADDON])
    static_index.publish("local-addon", build_wheel(built, "local-addon", "7.0"))
    static_index.describe("local-addon", classifiers=[ADDON])
    assert client.upload(build_wheel(built / "local", "local-addon", "1.0")).status
    configure(
        served_center,
        reserved_names=["acme-*"],
        upstream_urls=[upstream["url"]],
        upstream_ttl=0,
        upstream_tracked=["Named_Tool", "acme-addon", "local-addon"],
        upstream_tracked_classifiers=[ADDON],
    )
    return {"client": client, "index": static_index, "built": built, **upstream}


def synced(served_center) -> sync.SyncReport:
    """Run a sync on the server's center as a Manager and commit it."""
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        report = sync.sync(center=fresh(served_center))
    transaction.commit()
    return report


def json_fetches(log: Path) -> list[str]:
    """Return the JSON API documents the upstream was asked for."""
    return [path for path in requested(log) if path.startswith("/pypi/")]


def test_sync_reads_tracked_projects_by_name_and_classifier(served_center, tracked):
    serial = fresh(served_center).journal.last_serial
    report = synced(served_center)
    assert report.errors == []
    assert report.skipped == {
        "acme-addon": "the name is reserved",
        "local-addon": "a local project has the name",
    }
    assert (report.added, report.updated, report.removed) == (2, 0, 0)
    center = fresh(served_center)
    assert "untracked-lib" not in center
    assert "acme-addon" not in center
    addon = center["plone-addon"]
    assert IUpstreamProject.providedBy(addon)
    assert addon.description == "An add-on from upstream."
    assert "<h2>Plone add-on</h2>" in addon.long_description_html
    assert "Second release." in addon.releases()[0].changelog
    assert "<em>tracked</em>" in addon.long_description_html
    assert addon.classifiers == [
        ADDON,
        "Framework :: Plone :: 6.1",
        "Topic :: Internet",
    ]
    assert addon.project_urls == ["Source, https://git.example/plone-addon"]
    assert [release.version for release in addon.releases()] == ["2.0", "1.0"]
    assert addon.upstream_url == "https://upstream.example/project/plone-addon/"
    assert addon.upstream_index == tracked["url"]
    assert center["named-tool"].description == "Tracked by its name."
    local = center["local-addon"]
    assert not IUpstreamProject.providedBy(local)
    assert [release.version for release in local.releases()] == ["1.0"]
    # Neither the reserved nor the local name was ever asked for.
    fetched = json_fetches(tracked["log"])
    assert "/pypi/acme-addon/json" not in fetched
    assert "/pypi/local-addon/json" not in fetched
    assert not any("acme-addon" in path for path in requested(tracked["log"]))
    assert "/pypi/untracked-lib/json" in fetched
    # Tracked projects are no changes of the index: the serial stays.
    assert center.journal.last_serial == serial


def test_a_second_sync_reads_only_what_changed(served_center, tracked):
    synced(served_center)
    before = len(json_fetches(tracked["log"]))
    again = synced(served_center)
    assert again.fetched == 0
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert len(json_fetches(tracked["log"])) == before
    tracked["index"].describe("named-tool", summary="A new summary.")
    changed = synced(served_center)
    assert json_fetches(tracked["log"])[before:] == ["/pypi/named-tool/json"]
    assert (changed.fetched, changed.updated) == (1, 1)
    assert fresh(served_center)["named-tool"].description == "A new summary."


def test_listing_shows_tracked_projects_with_the_mark(served_center, tracked):
    synced(served_center)
    url = tracked["client"].center_url
    listing = requests.get(url, timeout=30)
    assert listing.status_code == 200
    assert 'href="https://upstream.example/project/plone-addon/"' in listing.text
    assert listing.text.count("Hosted upstream") == 2
    plone = requests.get(url, params={"plone": "6.1"}, timeout=30).text
    assert f"{url}/plone-addon" in plone
    assert f"{url}/named-tool" not in plone
    category = requests.get(url, params={"category": "Plone add-on"}, timeout=30)
    assert f"{url}/plone-addon" in category.text
    assert f"{url}/named-tool" not in category.text
    assert f"{url}/untracked-lib" not in listing.text


def test_project_page_shows_readme_and_mark_without_maintainer_tools(
    served_center, tracked
):
    synced(served_center)
    url = tracked["client"].center_url
    owner = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    page = requests.get(f"{url}/plone-addon", auth=owner, timeout=30)
    assert page.status_code == 200, page.text[-3000:]
    assert 'id="psc-upstream"' in page.text
    assert "Hosted upstream" in page.text
    assert 'href="https://upstream.example/project/plone-addon/"' in page.text
    assert "<em>tracked</em>" in page.text
    assert "psc-maintainer-tools" not in page.text
    local = requests.get(f"{url}/local-addon", auth=owner, timeout=30)
    assert "psc-maintainer-tools" in local.text
    assert 'id="psc-upstream"' not in local.text


def test_installs_still_come_from_the_upstream(served_center, tracked):
    synced(served_center)
    url = tracked["client"].center_url
    html = requests.get(f"{url}/simple/plone-addon/", timeout=30)
    assert "upstream-files/plone-addon/plone_addon-2.0-py3-none-any.whl" in html.text
    page = requests.get(
        f"{url}/simple/plone-addon/", headers={"Accept": SIMPLE_JSON}, timeout=30
    ).json()
    assert sorted(entry["filename"] for entry in page["files"]) == [
        "plone_addon-1.0-py3-none-any.whl",
        "plone_addon-2.0-py3-none-any.whl",
    ]
    document = requests.get(f"{url}/pypi/plone-addon/json", timeout=30).json()
    [file] = document["urls"]
    assert file["url"].startswith(f"{url}/upstream-files/plone-addon/")
    wheel = tracked["built"] / "two" / "plone_addon-2.0-py3-none-any.whl"
    downloaded = requests.get(urljoin(html.url, file["url"]), timeout=30)
    assert downloaded.content == wheel.read_bytes()
    center = fresh(served_center)
    root = requests.get(f"{url}/simple/", headers={"Accept": SIMPLE_JSON}, timeout=30)
    names = {project["name"] for project in root.json()["projects"]}
    assert "named-tool" not in names
    assert "local-addon" in names
    links = requests.get(f"{url}/links/", timeout=30).text
    assert "plone_addon" not in links and "local_addon-1.0" in links
    exported = {name for name, _files in export.expected_pages(center)}
    assert {"plone-addon", "named-tool"}.isdisjoint(exported)
    assert "local-addon" in exported
    shadowed = {row["name"] for row in proxy.conflicts(center)["shadowed"]}
    # The local and the reserved name shadow upstream projects; tracked ones don't.
    assert shadowed == {"local-addon", "acme-addon"}


def test_an_offline_center_refuses_to_sync(served_center, tracked):
    configure(served_center, upstream_offline=True)
    transaction.begin()
    with api.env.adopt_roles(["Manager"]), pytest.raises(SyncRefused) as refused:
        sync.sync(center=fresh(served_center))
    transaction.abort()
    assert "The center is offline" in refused.value.message
    assert json_fetches(tracked["log"]) == []


def test_progress_bar_on_a_terminal_and_lines_without(tmp_path):
    main, terminal = os.openpty()
    with open(terminal, "w") as stream:
        bar = ProgressBar(stream)
        bar.show(1, 2, "plone-addon", "added")
        bar.show(2, 2, "other-lib", "not tracked")
        bar.close()
    shown = os.read(main, 4096).decode()
    os.close(main)
    assert "[###############---------------] 1/2 plone-addon" in shown
    assert shown.endswith("2/2 other-lib                     \r\n")
    with (tmp_path / "log").open("w+") as stream:
        bar = ProgressBar(stream)
        bar.show(1, 2, "plone-addon", "added")
        bar.show(2, 2, "other-lib", "not tracked")
        bar.close()
        stream.seek(0)
        assert stream.read() == "[1/2] plone-addon: added\n"


def test_uploads_to_a_tracked_name_are_refused(served_center, tracked, tmp_path):
    synced(served_center)
    client = tracked["client"]
    wheel = build_wheel(tmp_path, "Plone_Addon", "9.0")
    answer = client.upload(wheel)
    assert answer.status == 403
    assert "tracked from the upstream index" in answer.reason
    uploaded = twine_upload(client.upload_url, wheel)
    assert uploaded.returncode != 0
    assert "403" in uploaded.stdout + uploaded.stderr
    assert "tracked from the upstream index" in uploaded.stdout + uploaded.stderr
    transaction.begin()
    center = fresh(served_center)
    with (
        api.env.adopt_roles(["Manager"]),
        wheel.open("rb") as stream,
        pytest.raises(TrackedUpstream),
    ):
        publish_archive(
            center=center,
            filename=wheel.name,
            stream=stream,
            sha256=hashlib.sha256(wheel.read_bytes()).hexdigest(),
        )
    transaction.abort()
    center = fresh(served_center)
    assert [release.version for release in center["plone-addon"].releases()] == [
        "2.0",
        "1.0",
    ]
    assert wheel.name not in center.filenames


def test_nobody_yanks_or_maintains_a_tracked_project(served_center, tracked):
    synced(served_center)
    transaction.begin()
    project = fresh(served_center)["plone-addon"]
    serial = project.aq_parent.journal.last_serial
    with api.env.adopt_roles(["Manager"]):
        with pytest.raises(TrackedUpstream):
            releases.yank(release=project.releases()[0], reason="broken")
        with pytest.raises(TrackedUpstream):
            maintainers.add_maintainer(project=project, user_id="alice")
    assert not project.get_local_roles_for_userid("alice")
    assert project.aq_parent.journal.last_serial == serial
    transaction.abort()


def test_untracking_removes_and_deleting_claims_nothing(
    served_center, tracked, tmp_path
):
    synced(served_center)
    configure(served_center, upstream_tracked=[])
    report = synced(served_center)
    assert report.removed == 1
    center = fresh(served_center)
    assert "named-tool" not in center
    assert claims.deleted_name(center=center, name="named-tool") is None
    assert "plone-addon" in center
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(obj=center["plone-addon"])
    transaction.commit()
    center = fresh(served_center)
    assert claims.deleted_name(center=center, name="plone-addon") is None
    # The name is free again: a local upload claims it.
    answer = tracked["client"].upload(build_wheel(tmp_path, "plone-addon", "5.0"))
    assert answer.status == 200, answer.reason
    assert not IUpstreamProject.providedBy(fresh(served_center)["plone-addon"])
    # And a local name is never tracked again.
    again = synced(served_center)
    assert "plone-addon" not in again.skipped  # tracked by classifier only
    project = fresh(served_center)["plone-addon"]
    assert [release.version for release in project.releases()] == ["5.0"]


def test_tracking_a_name_again_reads_it_again(served_center, tracked):
    synced(served_center)
    configure(served_center, upstream_tracked=[])
    synced(served_center)
    configure(served_center, upstream_tracked=["named-tool"])
    report = synced(served_center)
    assert report.added == 1
    assert IUpstreamProject.providedBy(fresh(served_center)["named-tool"])


def test_an_unreachable_upstream_keeps_the_tracked_projects(served_center, tracked):
    synced(served_center)
    configure(served_center, upstream_urls=[f"http://127.0.0.1:{free_port()}/simple/"])
    report = synced(served_center)
    assert report.errors
    assert "could not be read" in report.errors[0]
    assert report.removed == 0
    center = fresh(served_center)
    assert {"plone-addon", "named-tool"} <= set(center.objectIds())


@pytest.mark.parametrize(
    "body, error",
    [
        (b'{"info": {"name": "named-tool", "version": "1.0"', "sent invalid JSON"),
        (b'{"releases": {}}', "sent no JSON API document"),
        (
            b'{"info": {"name": "acme-internal", "version": "1.0"}}',
            "the one of another project",
        ),
        (
            b'{"info": {"name": "named-tool", "version": "1.0"}, "releases": [1]}',
            "has no valid 'releases'",
        ),
        (b'{"info": {"name": "named-tool", "version": "not a version"}}', "version"),
        (b" " * (33 << 20) + b"{}", "is larger than 33554432 bytes"),
    ],
)
def test_a_bad_document_is_reported_and_nothing_stored(
    served_center, tracked, body, error
):
    tracked["index"].serve_document("named-tool", body)
    report = synced(served_center)
    [reported] = report.errors
    assert error in reported
    assert "named-tool" not in fresh(served_center)
    assert "plone-addon" in fresh(served_center)


def test_a_bad_document_keeps_the_project_as_it_was(served_center, tracked):
    synced(served_center)
    tracked["index"].serve_document("named-tool", b"[]")
    report = synced(served_center)
    assert len(report.errors) == 1
    assert report.removed == 0
    assert fresh(served_center)["named-tool"].description == "Tracked by its name."


def test_an_index_without_a_json_api_is_a_note_not_an_error(served_center, tracked):
    devpi_like = "http://127.0.0.1:9/root/pypi/+simple/"
    configure(served_center, upstream_urls=[devpi_like, tracked["url"]])
    report = synced(served_center)
    assert report.errors == []
    [note] = report.notes
    assert "has no JSON API beside it" in note
    # The other index is read as before.
    assert "plone-addon" in fresh(served_center)
