"""The contract every IArchiveStorage strategy keeps, run against each of them.

Real commits, aborts and conflicts on the functional layer's database; the
files each built-in strategy leaves on disk are counted before and after.
"""

from collective.psc.interfaces import IArchiveStorage
from collective.psc.services import archives as archive_service
from collective.psc.services import distributions
from collective.psc.storage import get_storage
from collective.psc.storage import storage_names
from plone.dexterity.utils import createContent
from tests.fixtures.storage import blob_files
from tests.fixtures.storage import CONTRACT_STORAGES
from tests.fixtures.storage import disk_state
from tests.fixtures.storage import upload
from ZODB.POSException import ConflictError
from zope.interface.verify import verifyObject

import hashlib
import os
import pytest
import tracemalloc
import transaction


pytestmark = pytest.mark.parametrize("name", CONTRACT_STORAGES)

MiB = 1 << 20


def fresh(center):
    """Return the center as last committed, in a new transaction."""
    transaction.begin()
    return center.aq_parent[center.getId()]


def test_every_registered_strategy_is_under_contract(functional_portal, name):
    assert set(storage_names()) <= set(CONTRACT_STORAGES)


def test_provides_the_interface(functional_portal, name):
    assert verifyObject(IArchiveStorage, get_storage(name))


def test_round_trip_through_a_commit(make_center, wheel, name):
    center = make_center(name)
    data = wheel.read_bytes()
    item = upload(center, wheel)
    assert item.storage == name
    transaction.commit()
    center = fresh(center)
    item = distributions.get_file(center=center, filename=wheel.name)
    storage = get_storage(name)
    assert storage.exists(item, center=center)
    with archive_service.open_archive(item) as archive:
        assert archive.read() == data
        archive.seek(10)
        assert archive.read(5) == data[10:15]
    path = archive_service.archive_path(item)
    if path is not None:
        assert path.read_bytes() == data


def test_reads_back_in_the_same_transaction(make_center, name):
    center = make_center(name)
    storage = get_storage(name)
    item = createContent("DistributionFile", filename="same-1.0-py3-none-any.whl")
    storage.store(item, [b"first ", b"second"], center=center)
    assert storage.exists(item, center=center)
    with storage.open(item, center=center) as archive:
        assert archive.read() == b"first second"
    assert storage.local_path(item, center=center) is None
    transaction.abort()


def test_streams_chunks_without_holding_the_archive(make_center, name):
    center = make_center(name)
    storage = get_storage(name)
    item = createContent("DistributionFile", filename="big-1.0-py3-none-any.whl")
    expected = hashlib.sha256()
    seed = os.urandom(64 * 1024)

    def chunks():
        for n in range(32 * 16):  # 32 MiB in 64 KiB chunks
            chunk = n.to_bytes(4, "big") + seed[4:]
            expected.update(chunk)
            yield chunk

    tracemalloc.start()
    try:
        storage.store(item, chunks(), center=center)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB
    with storage.open(item, center=center) as archive:
        got = hashlib.sha256()
        while chunk := archive.read(MiB):
            got.update(chunk)
        archive.seek(7 * 64 * 1024)
        assert archive.read(4) == (7).to_bytes(4, "big")
    assert got.hexdigest() == expected.hexdigest()
    transaction.abort()


def test_abort_leaves_nothing(make_center, archives, wheel, name):
    center = make_center(name)
    before = disk_state(center, archives)
    upload(center, wheel)
    transaction.abort()
    center = fresh(center)
    assert distributions.find_file(center=center, filename=wheel.name) is None
    assert disk_state(center, archives) == before


def test_refused_upload_leaves_nothing(make_center, archives, wheel, name):
    center = make_center(name)
    upload(center, wheel)
    transaction.commit()
    center = fresh(center)
    before = disk_state(center, archives)
    from collective.psc.exceptions import DuplicateFile

    with pytest.raises(DuplicateFile):
        upload(center, wheel)
    transaction.abort()
    assert disk_state(fresh(center), archives) == before


def test_retry_after_conflict_leaves_one_archive(make_center, archives, wheel, name):
    center = make_center(name)
    before = disk_state(center, archives)
    database = center._p_jar.db()
    path = center.getPhysicalPath()
    attempts = 0
    for attempt in transaction.manager.attempts(3):
        with attempt:
            attempts += 1
            center = center.aq_parent[center.getId()]
            item = upload(center, wheel)
            center.title = f"Index, attempt {attempts}"
            if attempts == 1:
                _commit_title_elsewhere(database, path)
            assert item.storage == name
    assert attempts == 2
    center = fresh(center)
    assert center.title == "Index, attempt 2"
    item = distributions.get_file(center=center, filename=wheel.name)
    with archive_service.open_archive(item) as archive:
        assert archive.read() == wheel.read_bytes()
    after = disk_state(center, archives)
    assert after["temporary"] == []
    new_archives = len(after["archives"]) - len(before["archives"])
    new_blobs = len(after["blobs"]) - len(before["blobs"])
    assert new_archives + new_blobs == (1 if name in ("blob", "filesystem") else 0)


def _commit_title_elsewhere(database, path):
    """Commit a change to the center from another connection: a real conflict."""
    manager = transaction.TransactionManager()
    connection = database.open(transaction_manager=manager)
    try:
        center = connection.root()["Application"].unrestrictedTraverse(path)
        center.title = "Changed by someone else"
        manager.commit()
    finally:
        connection.close()


def test_conflict_error_is_what_the_retry_saw(make_center, wheel, name):
    center = make_center(name)
    upload(center, wheel)
    center.title = "Mine"
    _commit_title_elsewhere(center._p_jar.db(), center.getPhysicalPath())
    with pytest.raises(ConflictError):
        transaction.commit()
    transaction.abort()


def test_delete_happens_only_on_commit(make_center, archives, wheel, name):
    center = make_center(name)
    upload(center, wheel)
    transaction.commit()
    center = fresh(center)
    committed = disk_state(center, archives)
    distributions.delete_file(
        distribution=distributions.get_file(center=center, filename=wheel.name)
    )
    transaction.abort()
    center = fresh(center)
    item = distributions.get_file(center=center, filename=wheel.name)
    with archive_service.open_archive(item) as archive:
        assert archive.read() == wheel.read_bytes()
    assert disk_state(center, archives) == committed

    storage = get_storage(name)
    distributions.delete_file(
        distribution=distributions.get_file(center=center, filename=wheel.name)
    )
    assert not storage.exists(item, center=center)
    transaction.commit()
    center = fresh(center)
    assert distributions.find_file(center=center, filename=wheel.name) is None
    after = disk_state(center, archives)
    assert after["archives"] == after["temporary"] == []
    # Blob files go when the database is packed.
    assert len(after["blobs"]) == len(committed["blobs"])


def test_blob_probe_sees_committed_blobs(make_center, wheel, name):
    center = make_center(name)
    before = len(blob_files(center))
    upload(center, wheel)
    transaction.commit()
    assert len(blob_files(fresh(center))) == before + (name == "blob")
