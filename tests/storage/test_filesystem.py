"""The filesystem strategy: layout, settings, and recovery after a crash.

A crash is reproduced by putting files in the state a killed process leaves
them in (renamed by hand, or unlocked) and then running the recovery.
"""

from collective.psc.content.center import ISoftwareCenterSchema
from collective.psc.exceptions import StorageUnavailable
from collective.psc.services import archives as archive_service
from collective.psc.services import distributions
from collective.psc.storage import get_storage
from collective.psc.storage.filesystem import ArchiveFiles
from collective.psc.storage.filesystem import DELETING
from collective.psc.storage.filesystem import lock
from collective.psc.storage.filesystem import PENDING
from collective.psc.storage.filesystem import storage_directory
from collective.psc.storage.filesystem import temporary_name
from collective.psc.storage.recovery import list_contents
from collective.psc.storage.recovery import recover
from collective.psc.storage.recovery import remove_unknown
from collective.psc.upstream.files import pin
from collective.psc.upstream.files import UpstreamFile
from pathlib import Path
from tests.fixtures.builder import build_wheel
from tests.fixtures.storage import upload
from types import SimpleNamespace
from zope.interface import Invalid

import hashlib
import os
import pytest
import transaction


def fresh(center):
    transaction.begin()
    return center.aq_parent[center.getId()]


def loader(center):
    return lambda: fresh(center)


@pytest.fixture
def committed(make_center, wheel):
    """Return a filesystem center holding one committed wheel, and its path."""
    center = make_center("filesystem")
    upload(center, wheel)
    transaction.commit()
    center = fresh(center)
    item = distributions.get_file(center=center, filename=wheel.name)
    return center, archive_service.archive_path(item)


def test_archives_are_addressed_by_sha256(committed, archives, wheel):
    center, path = committed
    sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert path == archives / sha256[:2] / sha256[2:4] / sha256[4:] / wheel.name
    assert path.read_bytes() == wheel.read_bytes()
    assert list_contents(archives).archives == [path.relative_to(archives).as_posix()]


def test_archives_are_final_only_after_the_commit(make_center, archives, wheel):
    center = make_center("filesystem")
    item = upload(center, wheel)
    contents = list_contents(archives)
    assert contents.archives == []
    assert len(contents.temporary) == 1
    assert contents.temporary[0].rsplit(".", 2)[0].endswith(f"/{wheel.name}")
    assert contents.temporary[0].endswith(".pending")
    assert archive_service.archive_path(item) is None
    transaction.commit()
    contents = list_contents(archives)
    assert len(contents.archives) == 1
    assert contents.temporary == []


def test_relative_directory_is_below_the_var_directory(monkeypatch, tmp_path):
    from App.config import getConfiguration

    monkeypatch.setattr(getConfiguration(), "clienthome", str(tmp_path), raising=False)
    assert storage_directory("archives") == tmp_path / "archives"
    assert storage_directory(" /srv/psc ") == Path("/srv/psc")


def test_relative_directory_without_var_directory_is_refused(monkeypatch):
    from App.config import getConfiguration

    monkeypatch.setattr(getConfiguration(), "clienthome", None, raising=False)
    with pytest.raises(StorageUnavailable, match="absolute path"):
        storage_directory("archives")


@pytest.mark.parametrize(
    "setting, message",
    [
        (None, "needs a directory"),
        ("", "needs a directory"),
        ("/nonexistent/psc-archives", "does not exist"),
    ],
)
def test_choosing_filesystem_without_a_directory_is_refused(
    functional_portal, setting, message
):
    data = SimpleNamespace(storage="filesystem", storage_path=setting)
    with pytest.raises(Invalid, match=message):
        ISoftwareCenterSchema.validateInvariants(data)


def test_read_only_directory_is_refused(functional_portal, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    tmp_path.chmod(0o500)
    try:
        data = SimpleNamespace(storage="filesystem", storage_path=str(tmp_path))
        with pytest.raises(Invalid, match="not writable"):
            ISoftwareCenterSchema.validateInvariants(data)
    finally:
        tmp_path.chmod(0o700)


def test_upload_without_a_directory_leaves_nothing(make_center, tmp_path, wheel):
    center = make_center("filesystem", path=tmp_path / "missing")
    with pytest.raises(StorageUnavailable, match="does not exist"):
        upload(center, wheel)
    transaction.abort()
    assert not (tmp_path / "missing").exists()


def test_two_centers_cannot_share_a_directory(make_center, archives, tmp_path, wheel):
    make_center("filesystem", center_id="one")
    other = make_center("filesystem", center_id="two")
    upload(other, wheel)
    transaction.commit()
    first = fresh(other).aq_parent["one"]
    with pytest.raises(StorageUnavailable, match="belongs to another center"):
        upload(first, build_wheel(tmp_path / "w", "first", "1.0"))
    transaction.abort()


def test_savepoint_rollback_removes_the_staged_file(make_center, archives, wheel):
    center = make_center("filesystem")
    savepoint = transaction.savepoint()
    upload(center, wheel)
    assert len(list_contents(archives).temporary) == 1
    savepoint.rollback()
    assert list_contents(archives).temporary == []
    transaction.abort()


def test_archive_files_sort_after_the_database(make_center):
    center = make_center("filesystem")
    files = ArchiveFiles(transaction.manager)
    assert files.sortKey() > center._p_jar.sortKey()


def test_crash_between_database_commit_and_rename(committed, archives):
    center, path = committed
    pending = temporary_name(path, "0" * 32, PENDING)
    os.replace(path, pending)
    item = distributions.get_file(center=center, filename=path.name)
    with archive_service.open_archive(item) as archive:
        assert archive.read() == pending.read_bytes()
    recovery = recover(archives, loader(center))
    assert recovery.finished == [path.relative_to(archives).as_posix()]
    assert path.is_file() and not pending.exists()


def test_crash_before_the_commit_leaves_nothing(make_center, archives, wheel):
    center = make_center("filesystem")
    upload(center, wheel)
    staged = archives / list_contents(archives).temporary[0]
    # The uploading process dies: its transaction never commits and its
    # lock goes with it. Keep a copy of the file as that process left it.
    kept = staged.read_bytes()
    transaction.abort()
    staged.write_bytes(kept)
    (archives / ".incoming" / "dead.part").write_bytes(b"half an upload")
    recovery = recover(archives, loader(center))
    assert sorted(recovery.removed) == sorted(
        [staged.relative_to(archives).as_posix(), ".incoming/dead.part"]
    )
    assert list_contents(archives).archives == []
    assert list_contents(archives).temporary == []


def test_locked_files_belong_to_running_transactions(make_center, archives, wheel):
    center = make_center("filesystem")
    upload(center, wheel)
    staged = list_contents(archives).temporary
    recovery = recover(archives, loader(center))
    assert recovery.busy == staged
    assert list_contents(archives).temporary == staged
    transaction.abort()


def test_crash_during_a_delete(committed, archives):
    center, path = committed
    aside = temporary_name(path, "1" * 32, DELETING)
    # Deleted but not committed: the database still knows the file.
    os.replace(path, aside)
    assert recover(archives, loader(center)).restored == [
        path.relative_to(archives).as_posix()
    ]
    assert path.is_file()
    # Deleted and committed, the process dies before removing the file.
    center = fresh(center)
    distributions.delete_file(
        distribution=distributions.get_file(center=center, filename=path.name)
    )
    aside = next(archives.rglob(f"*.{DELETING}"))
    kept = aside.read_bytes()
    transaction.commit()
    aside.write_bytes(kept)
    recovery = recover(archives, loader(center))
    assert recovery.removed == [aside.relative_to(archives).as_posix()]
    assert list_contents(archives).archives == []
    assert list_contents(archives).temporary == []


def test_unknown_archives_are_removed_by_clean(committed, archives):
    center, path = committed
    stray = archives / "aa" / "bb" / "cc" / "stray-1.0-py3-none-any.whl"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not in the database")
    assert remove_unknown(archives, loader(center)) == [
        stray.relative_to(archives).as_posix()
    ]
    assert path.is_file()


def test_lock_is_per_open_file(archives):
    target = archives / "file"
    target.write_bytes(b"x")
    with open(target, "rb") as first, open(target, "rb") as second:
        assert lock(first, wait=False)
        assert not lock(second, wait=False)


def test_strategy_is_listed_in_the_vocabulary(functional_portal):
    from zope.component import getUtility
    from zope.schema.interfaces import IVocabularyFactory

    factory = getUtility(IVocabularyFactory, "collective.psc.ArchiveStorages")
    terms = {term.value: term.title for term in factory(functional_portal)}
    assert terms["filesystem"] == get_storage("filesystem").title
    assert terms["blob"] == "ZODB blobs"


def test_fetched_upstream_files_are_kept_by_clean(committed, archives, tmp_path):
    center, path = committed
    wheel = build_wheel(tmp_path / "upstream", "from-upstream", "1.0")
    data = wheel.read_bytes()
    entry = {"hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "source": "x"}
    center = fresh(center)
    record = UpstreamFile(
        filename=wheel.name,
        project="from-upstream",
        entry=entry,
        size=len(data),
        storage="filesystem",
    )
    get_storage("filesystem").store(record, [data], center=center)
    pin(center, record)
    transaction.commit()
    assert remove_unknown(archives, loader(center)) == []
    assert len(list_contents(archives).archives) == 2
    with get_storage("filesystem").open(record, center=fresh(center)) as stream:
        assert stream.read() == data
