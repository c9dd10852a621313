"""The pure parts of the export: page files, linked paths, and the tree writer."""

from collective.psc.mirroring import export
from collective.psc.mirroring.serving import apache_config
from collective.psc.mirroring.serving import nginx_config
from collective.psc.mirroring.writer import Tree
from collective.psc.mirroring.writer import TreeRefused

import json
import os
import pytest


def test_page_files_hold_html_twice_and_json():
    files = export.page_files("simple/demo", "<html/>", '{"a": 1}')
    assert files == {
        "simple/demo/index.html": b"<html/>",
        "simple/demo/index.v1_html": b"<html/>",
        "simple/demo/index.v1_json": b'{"a": 1}',
    }
    assert export.page_files("simple", None, "{}") == {"simple/index.v1_json": b"{}"}


@pytest.mark.parametrize(
    "files,expected",
    [
        ([], set()),
        (
            [{"url": "../../packages/aa/bb/cc/a-1.tar.gz", "core-metadata": False}],
            {"packages/aa/bb/cc/a-1.tar.gz"},
        ),
        (
            [
                {
                    "url": "../../packages/dd/ee/ff/a-1-py3-none-any.whl",
                    "core-metadata": {"sha256": "00"},
                }
            ],
            {
                "packages/dd/ee/ff/a-1-py3-none-any.whl",
                "packages/dd/ee/ff/a-1-py3-none-any.whl.metadata",
            },
        ),
    ],
)
def test_linked_paths_of_a_page(files, expected):
    assert export.linked_paths(json.dumps({"files": files}).encode()) == expected


def test_linked_paths_of_a_missing_page():
    assert export.linked_paths(None) == set()


def test_write_replaces_whole_files_and_leaves_no_temporary(tmp_path):
    tree = Tree(tmp_path)
    tree.write("simple/demo/index.html", b"one")
    tree.write("simple/demo/index.html", b"two")
    assert tree.read("simple/demo/index.html") == b"two"
    assert sorted(tree.files()) == ["simple/demo/index.html"]
    assert os.stat(tmp_path / "simple/demo/index.html").st_mode & 0o777 == 0o644


def test_failed_write_leaves_the_old_file(tmp_path):
    tree = Tree(tmp_path)
    tree.write("simple/index.html", b"old")

    def broken():
        raise OSError("disk full")

    with pytest.raises(OSError):
        tree.link_or_copy("simple/index.html", None, broken)
    assert tree.read("simple/index.html") == b"old"
    assert list(tree.files()) == ["simple/index.html"]


def test_link_or_copy_links_on_the_same_filesystem(tmp_path):
    source = tmp_path / "blob"
    source.write_bytes(b"archive")
    tree = Tree(tmp_path / "tree")
    assert tree.link_or_copy("packages/a/b/c/x.whl", source, None) == "link"
    target = tmp_path / "tree/packages/a/b/c/x.whl"
    assert target.stat().st_ino == source.stat().st_ino
    assert (
        tree.link_or_copy("packages/a/b/c/y.whl", None, lambda: source.open("rb"))
        == "copy"
    )
    assert (tmp_path / "tree/packages/a/b/c/y.whl").read_bytes() == b"archive"


def test_remove_prunes_empty_directories(tmp_path):
    tree = Tree(tmp_path)
    tree.write("packages/aa/bb/cc/x.whl", b"x")
    tree.write("packages/aa/dd/ee/y.whl", b"y")
    assert tree.remove("packages/aa/bb/cc/x.whl")
    assert not (tmp_path / "packages/aa/bb").exists()
    assert (tmp_path / "packages/aa/dd/ee/y.whl").exists()
    assert not tree.remove("packages/aa/bb/cc/x.whl")


def test_claim_refuses_a_foreign_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(TreeRefused, match="is not empty"):
        Tree(tmp_path).claim(center_path="/plone/pypi")


def test_claim_refuses_the_tree_of_another_center(tmp_path):
    tree = Tree(tmp_path)
    tree.write(
        "mirror-status.json",
        tree.status_bytes(center_path="/plone/other", journal="x", serial=1),
    )
    with pytest.raises(TreeRefused, match="mirrors the center /plone/other"):
        tree.claim(center_path="/plone/pypi")
    tree.claim(center_path="/plone/other")


def test_configurations_name_the_tree_and_prefix(tmp_path):
    site = apache_config(tree=tmp_path, server_name="pypi.example.org", prefix="/pypi/")
    assert f'Alias "/pypi/" "{tmp_path}/"' in site
    assert "ServerName pypi.example.org" in site
    assert "LoadModule" not in site
    standalone = apache_config(tree=tmp_path, run_dir=tmp_path / "run")
    assert "LoadModule lua_module /usr/lib/apache2/modules/mod_lua.so" in standalone
    assert f'PidFile "{tmp_path}/run/apache2.pid"' in standalone
    nginx = nginx_config(tree=tmp_path, prefix="/pypi")
    assert f"alias {tmp_path}/packages/;" in nginx
