"""The export after each commit: what it writes, and what an abort does not."""

from collective.psc.mirroring import export
from collective.psc.mirroring import sync
from collective.psc.mirroring.sync import verify
from collective.psc.mirroring.writer import STATUS_FILE
from collective.psc.services import archives
from collective.psc.services import distributions
from collective.psc.services import projects
from collective.psc.services import releases
from plone import api
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.committed import change
from tests.fixtures.committed import upload

import json
import os
import pytest
import transaction


pytestmark = pytest.mark.functional


def snapshot(tree):
    """Return every file of the tree with its modification time and inode."""
    result = {}
    for path in tree.files():
        info = (tree.root / path).stat()
        result[path] = (info.st_mtime_ns, info.st_ino)
    return result


def test_upload_exports_pages_files_and_status(mirrored, tree, tmp_path):
    wheel = build_wheel(tmp_path, "Demo.Pkg", "1.0")
    distribution = upload(mirrored, wheel)
    path = export.data.file_path(distribution)
    assert (tree.root / path).read_bytes() == wheel.read_bytes()
    assert (tree.root / f"{path}.metadata").read_bytes() == (distribution.core_metadata)
    page = json.loads(tree.read("simple/demo-pkg/index.v1_json"))
    assert [entry["url"] for entry in page["files"]] == [f"../../{path}"]
    assert "demo-pkg/" in tree.read("simple/index.html").decode()
    status = json.loads(tree.read(STATUS_FILE))
    assert status["serial"] == mirrored.journal.last_serial
    assert status["center"] == "/plone/pypi"
    assert not verify(mirrored, tree)


def test_archives_are_hard_links_of_the_stored_blobs(mirrored, tree, tmp_path):
    distribution = upload(mirrored, build_wheel(tmp_path, "demo", "1.0"))
    stored = archives.archive_path(distribution)
    exported = tree.root / export.data.file_path(distribution)
    assert stored is not None
    assert os.stat(stored).st_ino == exported.stat().st_ino


def test_aborted_transaction_writes_nothing(mirrored, tree, tmp_path):
    upload(mirrored, build_wheel(tmp_path, "demo", "1.0"))
    before = snapshot(tree)
    with (
        api.env.adopt_roles(["Manager"]),
        open(build_wheel(tmp_path, "demo", "2.0"), "rb") as stream,
    ):
        archives.add_archive(
            center=mirrored, filename="demo-2.0-py3-none-any.whl", stream=stream
        )
    transaction.abort()
    assert snapshot(tree) == before


def test_commit_rewrites_only_the_changed_project(mirrored, tree, tmp_path):
    upload(mirrored, build_wheel(tmp_path / "a", "alpha", "1.0"))
    upload(mirrored, build_wheel(tmp_path / "b", "beta", "1.0"))
    before = snapshot(tree)
    upload(mirrored, build_wheel(tmp_path / "c", "beta", "2.0"))
    after = snapshot(tree)
    changed = {path for path in after if before.get(path) != after[path]}
    new_files = {path for path in after if path.startswith("packages/")} - set(before)
    assert changed == {
        *new_files,
        "simple/beta/index.html",
        "simple/beta/index.v1_html",
        "simple/beta/index.v1_json",
        "simple/index.v1_json",
    }
    assert len(new_files) == 2  # the wheel and its .metadata
    assert not verify(mirrored, tree)


def test_yank_and_delete_update_the_tree(mirrored, tree, tmp_path):
    wheel = upload(mirrored, build_wheel(tmp_path, "demo", "1.0"))
    sdist = upload(mirrored, build_sdist(tmp_path, "demo", "1.0"))
    kept = upload(mirrored, build_wheel(tmp_path, "demo", "2.0"))
    change(releases.yank, release=mirrored["demo"]["2"], reason="bad")
    page = json.loads(tree.read("simple/demo/index.v1_json"))
    assert {entry["filename"]: entry["yanked"] for entry in page["files"]} == {
        wheel.filename: False,
        sdist.filename: False,
        kept.filename: "bad",
    }
    assert 'data-yanked="bad"' in tree.read("simple/demo/index.html").decode()
    gone = export.data.file_path(wheel)
    change(distributions.delete_file, distribution=wheel)
    assert not (tree.root / gone).exists()
    assert not (tree.root / f"{gone}.metadata").exists()
    assert not (tree.root / gone).parent.exists()
    change(projects.delete_project, project=mirrored["demo"])
    assert not (tree.root / "simple/demo").exists()
    assert not (tree.root / "packages").exists() or not any(
        (tree.root / "packages").iterdir()
    )
    assert json.loads(tree.read("simple/index.v1_json"))["projects"] == []
    assert not verify(mirrored, tree)


def test_an_older_state_never_overwrites_a_newer_tree(mirrored, tree, tmp_path):
    # Another instance exported a later serial than this process reads (its
    # connection has not seen that commit yet): the export leaves the tree.
    upload(mirrored, build_wheel(tmp_path, "demo", "1.0"))
    status = json.loads(tree.read(STATUS_FILE))
    ahead = {**status, "serial": status["serial"] + 5}
    tree.write(STATUS_FILE, json.dumps(ahead).encode())
    before = snapshot(tree)
    transaction.begin()
    report = sync.export_changes(mirrored, tree, center_path=status["center"])
    assert report.pages == 0
    assert snapshot(tree) == before
    assert json.loads(tree.read(STATUS_FILE))["serial"] == status["serial"] + 5
