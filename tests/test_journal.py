"""The journal: dense serials in commit order, also under concurrent commits."""

from collective.psc import journal
from collective.psc.journal import Journal
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

import pytest
import threading
import transaction


def test_serials_count_up_from_one():
    log = Journal()
    assert log.last_serial == 0
    log.append(project="a", action=journal.CREATE_PROJECT, user="bob")
    log.append(project="b", action=journal.ADD_FILE, filename="b-1.0.tar.gz")
    log.append(project="a", action=journal.YANK, version="1.0")
    assert [entry.serial for entry in log.entries()] == [1, 2, 3]
    assert log.last_serial == 3
    assert log.project_serial("a") == 3
    assert log.project_serial("b") == 2
    assert log.project_serial("c") == 0
    first = next(log.entries())
    assert (first.project, first.action, first.user) == ("a", "create project", "bob")
    assert first.time.tzinfo is not None


def test_entries_since_and_archive():
    log = Journal()
    total = journal.FLUSH_AT * 3 + 5
    for number in range(total):
        log.append(project=f"p{number % 7}", action=journal.ADD_FILE)
    assert log._archived_to > 0, "the head was never archived"
    assert len(log._recent) <= journal.FLUSH_AT
    assert [entry.serial for entry in log.entries()] == list(range(1, total + 1))
    assert [entry.serial for entry in log.entries(since=100)] == list(
        range(101, total + 1)
    )
    assert [entry.serial for entry in log.entries(since=total)] == []
    for number in range(7):
        expected = max(s for s in range(1, total + 1) if (s - 1) % 7 == number)
        assert log.project_serial(f"p{number}") == expected
    assert log.project_serials()["p0"] == log.project_serial("p0")


@pytest.fixture
def database(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    with db.transaction() as connection:
        connection.root()["journal"] = Journal()
    yield db
    db.close()


def append_in_transaction(db, project, count, barrier, retries):
    """Append ``count`` entries, one transaction each, retrying conflicts."""
    manager = transaction.TransactionManager()
    connection = db.open(transaction_manager=manager)
    barrier.wait()
    try:
        for number in range(count):
            for _attempt in range(4):
                manager.begin()
                connection.root()["journal"].append(
                    project=project, action=journal.ADD_FILE, filename=f"{number}"
                )
                try:
                    manager.commit()
                    break
                except ConflictError:
                    manager.abort()
                    retries.append(project)
            else:
                raise AssertionError("an append was lost after four attempts")
    finally:
        connection.close()


def test_concurrent_appends_merge_without_losing_or_duplicating(database):
    workers, per_worker = 4, 60
    barrier = threading.Barrier(workers)
    retries = []
    threads = [
        threading.Thread(
            target=append_in_transaction,
            args=(database, f"p{worker}", per_worker, barrier, retries),
        )
        for worker in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.transaction() as connection:
        log = connection.root()["journal"]
        entries = list(log.entries())
    assert [entry.serial for entry in entries] == list(
        range(1, workers * per_worker + 1)
    )
    assert len({(entry.project, entry.filename) for entry in entries}) == len(entries)
    # Only the rare commits that archived the head at the same moment retry.
    assert len(retries) < workers * per_worker / 10
    # Each worker's own entries keep their order.
    for worker in range(workers):
        own = [int(e.filename) for e in entries if e.project == f"p{worker}"]
        assert own == list(range(per_worker))


def test_two_open_transactions_resolve_in_commit_order(database):
    first, second = transaction.TransactionManager(), transaction.TransactionManager()
    one = database.open(transaction_manager=first)
    two = database.open(transaction_manager=second)
    one.root()["journal"].append(project="late", action=journal.ADD_FILE)
    two.root()["journal"].append(project="early", action=journal.ADD_FILE)
    second.commit()
    first.commit()
    one.close()
    two.close()
    with database.transaction() as connection:
        log = connection.root()["journal"]
        assert [(e.serial, e.project) for e in log.entries()] == [
            (1, "early"),
            (2, "late"),
        ]
        assert log.project_serial("late") == 2


def test_both_archiving_the_head_conflicts(database):
    with database.transaction() as connection:
        for _ in range(journal.FLUSH_AT):
            connection.root()["journal"].append(project="fill", action=journal.ADD_FILE)
    first, second = transaction.TransactionManager(), transaction.TransactionManager()
    one = database.open(transaction_manager=first)
    two = database.open(transaction_manager=second)
    one.root()["journal"].append(project="a", action=journal.ADD_FILE)
    two.root()["journal"].append(project="b", action=journal.ADD_FILE)
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()
    second.abort()
    one.close()
    two.close()
    with database.transaction() as connection:
        log = connection.root()["journal"]
        assert log.last_serial == journal.FLUSH_AT + 1
        assert [e.serial for e in log.entries()] == list(range(1, journal.FLUSH_AT + 2))
