"""Recording a token's last use: throttled, and concurrent records merge."""

from collective.psc.tokens.uses import forget_uses
from collective.psc.tokens.uses import record_use
from collective.psc.tokens.uses import token_uses
from collective.psc.tokens.uses import USE_RESOLUTION
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from persistent.mapping import PersistentMapping
from ZODB.FileStorage import FileStorage

import pytest
import transaction
import ZODB


NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path):
    """Return a FileStorage database whose root holds a stand-in center."""
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))
    with db.transaction() as connection:
        connection.root()["center"] = PersistentMapping()
        record_use(
            center=connection.root()["center"], token_id="a", request=None, now=NOW
        )
    yield db
    db.close()


def opened(db: ZODB.DB) -> tuple:
    """Return a connection with its own transaction manager, and its center."""
    manager = transaction.TransactionManager()
    connection = db.open(transaction_manager=manager)
    return manager, connection.root()["center"]


def test_a_use_is_written_once_per_resolution(database):
    manager, center = opened(database)
    later = NOW + USE_RESOLUTION - timedelta(seconds=1)
    assert not record_use(center=center, token_id="a", request=None, now=later)
    assert record_use(
        center=center, token_id="a", request=None, now=NOW + USE_RESOLUTION
    )
    manager.commit()
    assert token_uses(center).get("a") == NOW + USE_RESOLUTION


def test_concurrent_uses_merge_and_keep_the_later_time(database):
    first_manager, first = opened(database)
    second_manager, second = opened(database)
    record_use(center=first, token_id="a", request=None, now=NOW + timedelta(hours=2))
    record_use(center=first, token_id="b", request=None, now=NOW + timedelta(hours=1))
    record_use(center=second, token_id="a", request=None, now=NOW + timedelta(hours=1))
    record_use(center=second, token_id="c", request=None, now=NOW + timedelta(hours=3))
    first_manager.commit()
    second_manager.commit()
    manager, center = opened(database)
    uses = token_uses(center)
    assert {key: uses.get(key) - NOW for key in uses.times} == {
        "a": timedelta(hours=2),
        "b": timedelta(hours=1),
        "c": timedelta(hours=3),
    }


def test_a_forgotten_token_stays_forgotten_when_a_use_races_it(database):
    first_manager, first = opened(database)
    second_manager, second = opened(database)
    forget_uses(center=first, token_ids=["a"])
    record_use(center=second, token_id="a", request=None, now=NOW + timedelta(hours=1))
    record_use(center=second, token_id="b", request=None, now=NOW + timedelta(hours=1))
    first_manager.commit()
    second_manager.commit()
    _manager, center = opened(database)
    assert sorted(token_uses(center).times) == ["b"]
