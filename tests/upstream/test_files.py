"""What a center keeps of upstream files: records by filename and by project."""

from collective.psc.upstream import files


def record(filename: str, project: str) -> files.UpstreamFile:
    entry = {"hashes": {"sha256": "a" * 64}, "source": "https://index.example/"}
    return files.UpstreamFile(
        filename=filename, project=project, entry=entry, size=1, storage="blob"
    )


def test_pins_are_found_by_filename_and_project(served_center):
    assert files.fetched_count(served_center) == 0
    files.pin(served_center, record("a-1.0.tar.gz", "a"))
    files.pin(served_center, record("a-2.0.tar.gz", "a"))
    files.pin(served_center, record("b-1.0.tar.gz", "b"))
    assert files.pinned(served_center, "a-2.0.tar.gz").project == "a"
    assert files.pinned(served_center, "c-1.0.tar.gz") is None
    assert [item.filename for item in files.project_files(served_center, "a")] == [
        "a-1.0.tar.gz",
        "a-2.0.tar.gz",
    ]
    assert files.fetched_projects(served_center) == {"a", "b"}
    assert files.fetched_count(served_center) == 3


def test_a_refusal_is_recorded_once(served_center):
    pinned = record("a-1.0.tar.gz", "a")
    offered = "b" * 64
    assert files.refuse(served_center, record=pinned, offered=offered, source="up")
    assert not files.refuse(served_center, record=pinned, offered=offered, source="up")
    [refusal] = files.refusals(served_center)
    assert refusal["pinned_sha256"] == "a" * 64
    assert refusal["offered_sha256"] == offered
