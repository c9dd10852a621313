"""Fixtures of the storage tests: committed centers on each storage strategy."""

from collective.psc.services.archives import add_archive
from collective.psc.storage.recovery import list_contents
from pathlib import Path
from plone import api
from tests.fixtures.builder import build_wheel

import os
import pytest
import transaction


# The strategies under contract. A site that registers another strategy adds
# its name here; test_contract.py fails while a registered one is missing.
CONTRACT_STORAGES = ["blob", "filesystem", *os.environ.get("PSC_STORAGES", "").split()]


@pytest.fixture
def archives(tmp_path) -> Path:
    """Return an empty archive directory."""
    path = tmp_path / "archives"
    path.mkdir()
    return path


@pytest.fixture
def make_center(functional_portal, archives):
    """Return a function that creates and commits a center on a strategy."""

    def make(storage: str, center_id: str = "pypi", path: Path | None = None):
        with api.env.adopt_roles(["Manager"]):
            center = api.content.create(
                container=functional_portal,
                type="SoftwareCenter",
                id=center_id,
                title="Index",
                storage=storage,
                storage_path=str(path or archives),
            )
        transaction.commit()
        return center

    return make


def upload(center, path: Path):
    """Add an archive to a center through the service layer."""
    with open(path, "rb") as stream:
        return add_archive(center=center, filename=path.name, stream=stream)


@pytest.fixture
def wheel(tmp_path) -> Path:
    return build_wheel(tmp_path / "dist", "contract", "1.0")


def blob_files(center) -> list[Path]:
    """Return the committed blob files of the center's database."""
    storage = center._p_jar.db().storage
    directories = {
        Path(layer.fshelper.base_dir)
        for layer in (storage, getattr(storage, "changes", None))
        if getattr(layer, "fshelper", None) is not None
    }
    return sorted(
        path
        for directory in directories
        for path in directory.rglob("*.blob")
        if path.is_file()
    )


def disk_state(center, archives: Path) -> dict:
    """Return what the built-in strategies keep on disk, for before/after checks."""
    contents = list_contents(archives)
    return {
        "blobs": blob_files(center),
        "archives": contents.archives,
        "temporary": contents.temporary,
    }
