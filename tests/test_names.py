"""Table tests of collective.psc.names: names, versions and filenames."""

from collective.psc import names
from collective.psc.exceptions import InvalidFilename
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import InvalidVersion
from packaging.tags import Tag
from packaging.version import Version

import pytest


@pytest.mark.parametrize(
    "name",
    [
        "Foo__Bar",
        "foo.bar",
        "Foo_Bar",
        "foo-bar",
        "FOO---bar",
        "foo._-bar",
        "Foo.Bar",
        "  foo-bar  ",
    ],
)
def test_normalize_name_folds_case_and_separator_runs(name):
    assert names.normalize_name(name) == "foo-bar"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a", "a"),
        ("A1", "a1"),
        ("zope.interface", "zope-interface"),
        ("Plone", "plone"),
        ("collective.psc", "collective-psc"),
        ("1foo", "1foo"),
    ],
)
def test_normalize_name_keeps_valid_names(name, expected):
    assert names.normalize_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "-foo",
        "foo-",
        "foo_",
        ".foo",
        "foo bar",
        "",
        "   ",
        "föö",
        "foo/bar",
        "foo+bar",
        "foo\x00bar",
        "\u017foo",  # LATIN SMALL LETTER LONG S matches "s" case-insensitively
        "\u212aoo",  # KELVIN SIGN matches "k" case-insensitively
    ],
)
def test_normalize_name_refuses_invalid_names(name):
    with pytest.raises(InvalidName) as raised:
        names.normalize_name(name)
    assert repr(name) in raised.value.message
    assert "not a valid project name" in raised.value.message
    assert raised.value.status == 400


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.0", Version("1.0")),
        (" 1.0 ", Version("1.0")),
        ("v1.0", Version("1.0")),
        ("1.0c1", Version("1.0rc1")),
        ("1.0-post1", Version("1.0.post1")),
        ("1.0.post1.dev2", Version("1.0.post1.dev2")),
        ("1!2.0", Version("1!2.0")),
        ("1.0+Ubuntu-1", Version("1.0+ubuntu.1")),
    ],
)
def test_parse_version(version, expected):
    parsed = names.parse_version(version)
    assert isinstance(parsed, Version)
    assert parsed == expected
    assert str(parsed) == str(expected)


def test_parse_version_returns_a_version_unchanged():
    version = Version("2.1b3")
    assert names.parse_version(version) is version


@pytest.mark.parametrize(
    "version",
    ["", "foo", "1.0-foo", "1.0..1", "1.0+", "1.0+a+b", "1_0!2", "1.0 1", "≠1"],
)
def test_invalid_versions_raise_invalid_version(version):
    for function in (
        names.parse_version,
        names.canonical_version,
        names.release_id,
        names.maturity,
    ):
        with pytest.raises(InvalidVersion) as raised:
            function(version)
        assert repr(version) in raised.value.message


@pytest.mark.parametrize(
    ("version", "canonical", "release_id"),
    [
        ("1.0", "1", "1"),
        ("1.0.0", "1", "1"),
        ("1", "1", "1"),
        ("1.2.0", "1.2", "1.2"),
        ("1.10", "1.10", "1.10"),
        ("2.1b3", "2.1b3", "2.1b3"),
        ("1.0c1", "1rc1", "1rc1"),
        ("1.0.post1.dev2", "1.post1.dev2", "1.post1.dev2"),
        ("1.0+ubuntu.1", "1+ubuntu.1", "1_ubuntu.1"),
        ("1.0+ubuntu-1", "1+ubuntu.1", "1_ubuntu.1"),
        ("1!2.0", "1!2", "1~2"),
        ("1!2.0+local", "1!2+local", "1~2_local"),
    ],
)
def test_canonical_version_and_release_id(version, canonical, release_id):
    assert names.canonical_version(version) == canonical
    assert names.release_id(version) == release_id
    assert names.release_id(Version(version)) == release_id


@pytest.mark.parametrize(("first", "second"), [("1.0", "1.0.0"), ("2", "2.0.0.0")])
def test_equal_versions_share_a_release_id(first, second):
    assert names.release_id(first) == names.release_id(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [("1.0", "1.0.1"), ("1.0", "1.0+local"), ("1.0", "1!1.0"), ("1.0", "1.0.post0")],
)
def test_different_versions_have_different_release_ids(first, second):
    assert names.release_id(first) != names.release_id(second)


@pytest.mark.parametrize(
    "version", ["1.0", "1!2.0+abc.1", "3.0rc1+x", "1.0.post1.dev2"]
)
def test_release_id_has_no_characters_zope_refuses(version):
    release = names.release_id(version)
    assert "+" not in release
    assert "!" not in release


@pytest.mark.parametrize(
    ("version", "maturity"),
    [
        ("1.0.dev1", names.DEV),
        ("1.0.dev0", names.DEV),
        ("1.0a1.dev1", names.DEV),
        ("1.0b2.dev3", names.DEV),
        ("1.0rc1.dev1", names.DEV),
        ("1.0.post1.dev2", names.DEV),
        ("1.0a1", names.ALPHA),
        ("1.0alpha2", names.ALPHA),
        ("1.0a1.post1", names.ALPHA),
        ("1.0b1", names.BETA),
        ("1.0beta1", names.BETA),
        ("1.0rc1", names.CANDIDATE),
        ("1.0c1", names.CANDIDATE),
        ("1.0pre1", names.CANDIDATE),
        ("1.0preview1", names.CANDIDATE),
        ("1.0", names.FINAL),
        ("0.1", names.FINAL),
        ("1.0.post1", names.FINAL),
        ("1.0-1", names.FINAL),
        ("1.0+local", names.FINAL),
        ("1!1.0", names.FINAL),
    ],
)
def test_maturity(version, maturity):
    assert names.maturity(version) == maturity
    assert maturity in names.MATURITIES


@pytest.mark.parametrize(
    ("filename", "name", "version", "python_tag", "build_tag", "tags"),
    [
        (
            "foo-1.0-py3-none-any.whl",
            "foo",
            "1.0",
            "py3",
            (),
            {"py3-none-any"},
        ),
        (
            "foo-1.0-1abc-py3-none-any.whl",
            "foo",
            "1.0",
            "py3",
            (1, "abc"),
            {"py3-none-any"},
        ),
        (
            "foo-1.0-2-py3-none-any.whl",
            "foo",
            "1.0",
            "py3",
            (2, ""),
            {"py3-none-any"},
        ),
        (
            "foo-1.0-py2.py3-none-any.whl",
            "foo",
            "1.0",
            "py2.py3",
            (),
            {"py2-none-any", "py3-none-any"},
        ),
        (
            "foo-1.0+local.1-cp311-cp311-manylinux_2_17_x86_64.whl",
            "foo",
            "1.0+local.1",
            "cp311",
            (),
            {"cp311-cp311-manylinux_2_17_x86_64"},
        ),
        (
            "Foo_Bar-2.0b1-cp312-abi3-macosx_11_0_arm64.whl",
            "foo-bar",
            "2.0b1",
            "cp312",
            (),
            {"cp312-abi3-macosx_11_0_arm64"},
        ),
        (
            "foo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "foo",
            "1.0",
            "cp311",
            (),
            {
                "cp311-cp311-manylinux_2_17_x86_64",
                "cp311-cp311-manylinux2014_x86_64",
            },
        ),
    ],
)
def test_parse_wheel_filename(filename, name, version, python_tag, build_tag, tags):
    parsed = names.parse_filename(filename)
    assert parsed.filename == filename
    assert parsed.name == name
    assert parsed.version == Version(version)
    assert parsed.package_type == names.WHEEL
    assert parsed.python_tag == python_tag
    assert parsed.build_tag == build_tag
    assert parsed.tags == frozenset(Tag(*tag.split("-")) for tag in tags)


@pytest.mark.parametrize(
    ("filename", "name", "version"),
    [
        ("foo-1.0.tar.gz", "foo", "1.0"),
        ("foo-bar-1.0.tar.gz", "foo-bar", "1.0"),
        ("foo_bar-1.0.zip", "foo-bar", "1.0"),
        ("Foo.Bar-2.0.tar.gz", "foo-bar", "2.0"),
        ("foo_bar-1.0.post1.dev2.tar.gz", "foo-bar", "1.0.post1.dev2"),
        ("foo-1!2.0.tar.gz", "foo", "1!2.0"),
        ("foo-1.0+local.tar.gz", "foo", "1.0+local"),
    ],
)
def test_parse_sdist_filename(filename, name, version):
    parsed = names.parse_filename(filename)
    assert parsed.filename == filename
    assert parsed.name == name
    assert parsed.version == Version(version)
    assert parsed.package_type == names.SDIST
    assert parsed.python_tag == "source"
    assert parsed.build_tag == ()
    assert parsed.tags == frozenset()


@pytest.mark.parametrize(
    ("filename", "reason"),
    [
        ("foo-1.0.exe", "only wheels"),
        ("foo-1.0.egg", "only wheels"),
        ("foo-1.0.tar.bz2", "only wheels"),
        ("foo-1.0.tar", "only wheels"),
        ("foo-1.0-py3-none-any.WHL", "only wheels"),
        ("../foo-1.0.tar.gz", "path"),
        ("a/b.whl", "path"),
        ("/foo-1.0.tar.gz", "path"),
        ("foo\\bar-1.0.tar.gz", "path"),
        (".foo-1.0.tar.gz", "path"),
        (".whl", "path"),
        ("foo-1.0.tar.gz\x00", "control"),
        ("foo\x00-1.0.tar.gz", "control"),
        ("foo-1.0.tar.gz\n", "control"),
        ("foo\n-1.0.tar.gz", "control"),
        ("foo\t-1.0.tar.gz", "control"),
        ("foo\u200b-1.0.tar.gz", "control"),  # ZERO WIDTH SPACE
        ("foo\u00a0-1.0.tar.gz", "control"),  # NO-BREAK SPACE
        ("föö-1.0.tar.gz", "ASCII"),
        ("foo-1.0-py3-none-any.whl ", "ASCII"),
        ("foo bar-1.0.tar.gz", "ASCII"),
        ("", "1 to 255"),
        ("f" * 250 + "-1.0.tar.gz", "1 to 255"),
        ("foo-1.0.whl", "wheel filename"),
        ("foo-1.0-py3-none.whl", "wheel filename"),
        ("foo-1.0-py3-none-any-extra-x.whl", "wheel filename"),
        ("foo-notaversion-py3-none-any.whl", "wheel filename"),
        ("foo-1.0-abc-py3-none-any.whl", "wheel filename"),
        ("foo__bar-1.0-py3-none-any.whl", "wheel filename"),
        ("foo.tar.gz", "source distribution filename"),
        ("foo.zip", "source distribution filename"),
        ("foo-.tar.gz", "source distribution filename"),
        ("foo-bar.tar.gz", "source distribution filename"),
        ("-1.0.tar.gz", "source distribution filename"),
        ("foo_-1.0.tar.gz", "source distribution filename"),
    ],
)
def test_parse_filename_refuses(filename, reason):
    with pytest.raises(InvalidFilename) as raised:
        names.parse_filename(filename)
    message = raised.value.message
    assert repr(filename) in message
    assert reason in message
    assert raised.value.status == 400


@pytest.mark.parametrize("length", [254, 255])
def test_parse_filename_accepts_long_names_up_to_the_limit(length):
    filename = "f" * (length - len("-1.0.tar.gz")) + "-1.0.tar.gz"
    assert len(filename) == length
    assert names.parse_filename(filename).version == Version("1.0")


def test_parse_filename_refuses_one_character_over_the_limit():
    filename = "f" * (names.MAX_FILENAME_LENGTH + 1 - len("-1.0.tar.gz"))
    filename += "-1.0.tar.gz"
    assert len(filename) == names.MAX_FILENAME_LENGTH + 1
    with pytest.raises(InvalidFilename, match="1 to 255"):
        names.parse_filename(filename)


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("foo-1.0.tar.gz", "foo-1.0.tar.gz"),
        ("foo-1.0-py3-none-any.whl", "foo-1.0-py3-none-any.whl"),
        ("foo-1.0+local-py3-none-any.whl", "foo-1.0_local-py3-none-any.whl"),
        ("foo-1!2.0.tar.gz", "foo-1~2.0.tar.gz"),
        ("foo-1!2.0+a.b.zip", "foo-1~2.0_a.b.zip"),
    ],
)
def test_file_id(filename, expected):
    assert names.file_id(filename) == expected


def test_version_sort_key_orders_by_pep_440():
    expected = [
        "1.0.dev1",
        "1.0a1",
        "1.0b1",
        "1.0rc1",
        "1.0",
        "1.0.post1",
        "1.1",
        "1.9",
        "1.10",
        "2!0.1",
    ]
    shuffled = [expected[index] for index in (6, 3, 9, 0, 8, 4, 1, 7, 5, 2)]
    assert sorted(shuffled, key=names.version_sort_key) == expected


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        ("1.0.dev1", "1.0a1"),
        ("1.0a1", "1.0b1"),
        ("1.0b1", "1.0rc1"),
        ("1.0rc1", "1.0"),
        ("1.0", "1.0.post1"),
        ("1.0.post1", "1.1"),
        ("1.9", "1.10"),
        ("1.0", "1.0+local"),
        ("9.0", "1!0.1"),
    ],
)
def test_version_sort_key_pairs(smaller, larger):
    assert names.version_sort_key(smaller) < names.version_sort_key(larger)


def test_version_sort_key_differs_from_string_order():
    assert "1.10" < "1.9"
    assert names.version_sort_key("1.10") > names.version_sort_key("1.9")


def test_version_sort_key_treats_equal_versions_as_equal():
    assert names.version_sort_key("1.0") == names.version_sort_key("1.0.0")


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("1.0", Version("1.0")),
        ("not-a-version", names.UNPARSABLE_VERSION),
        (None, names.UNPARSABLE_VERSION),
    ],
)
def test_stored_version(stored, expected):
    assert names.stored_version(stored) == expected


def test_a_stored_invalid_version_sorts_first_as_a_development_release():
    stored = ["not-a-version", "0.1a1", "2.0", "0.0.1"]
    ordered = sorted(stored, key=names.version_sort_key)
    assert ordered == ["not-a-version", "0.0.1", "0.1a1", "2.0"]
    assert names.maturity(names.stored_version("not-a-version")) == names.DEV
