"""Translations: the .pot matches the code, German is complete and negotiated."""

from collective.psc.i18n import compile_po
from collective.psc.i18n import LOCALES
from pathlib import Path
from plone import api
from tests.fixtures.builder import build_wheel

import gettext
import os
import pytest
import re
import requests
import subprocess
import sys
import transaction


POT = LOCALES / "collective.psc.pot"
GERMAN = LOCALES / "de" / "LC_MESSAGES" / "collective.psc.po"
I18NDUDE = Path(sys.executable).with_name("i18ndude")
# Read by installers, never by people: left out of the catalogue.
MACHINE_PAGES = ("simple", "findlinks")
PLACEHOLDER = re.compile(r"\$\{\w+\}|<[^>]+>")


def entries(path: Path) -> dict[str, tuple[str, str]]:
    """Return msgid -> (default or msgid, msgstr) of a .pot or .po file."""
    result = {}
    for block in path.read_text().split("\n\n"):
        msgid = _field(block, "msgid")
        if not msgid:
            continue
        default = re.search(r'^#\. Default: "(.*)"$', block, re.M | re.S)
        text = default.group(1).replace("\n#. ", " ") if default else msgid
        result[msgid] = (text, _field(block, "msgstr"))
    return result


def _field(block: str, name: str) -> str:
    match = re.search(rf'^{name} ((?:".*"\n?)+)', block, re.M)
    if not match:
        return ""
    return "".join(
        bytes(line[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode()
        for line in match.group(1).strip().split("\n")
    )


def test_pot_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "collective.psc.pot"
    subprocess.run(
        [
            str(I18NDUDE),
            "rebuild-pot",
            "--pot",
            str(fresh),
            "--create",
            "collective.psc",
            "--exclude",
            " ".join(MACHINE_PAGES),
            str(LOCALES.parent),
        ],
        check=True,
        capture_output=True,
    )
    assert entries(fresh) == entries(POT), "run 'make i18n' and commit the .pot"


def test_machine_pages_are_not_in_the_catalogue():
    references = re.findall(r"^#: collective/psc/(\w+)/", POT.read_text(), re.M)
    assert references
    assert not set(references) & set(MACHINE_PAGES)


def test_german_translates_every_message_keeping_its_placeholders():
    template = entries(POT)
    german = entries(GERMAN)
    assert german.keys() == template.keys()
    for msgid, (default, _) in template.items():
        translation = german[msgid][1]
        assert translation, msgid
        assert sorted(PLACEHOLDER.findall(translation)) == sorted(
            PLACEHOLDER.findall(default)
        ), msgid


@pytest.mark.functional
def test_listing_speaks_german_when_the_browser_asks(served_center, client, tmp_path):
    api.portal.set_registry_record("plone.available_languages", ["en", "de"])
    api.portal.set_registry_record("plone.use_request_negotiation", True)
    transaction.commit()
    url = served_center.absolute_url()
    empty = requests.get(url, headers={"Accept-Language": "de"}, timeout=30)
    assert "Veröffentlichen Sie Ihr erstes Paket" in empty.text
    # With a project, the listing shows its search, filters and sorts.
    assert client.upload(build_wheel(tmp_path, "demo", "1.0")).status == 200
    german = requests.get(url, headers={"Accept-Language": "de"}, timeout=30)
    english = requests.get(url, headers={"Accept-Language": "en"}, timeout=30)
    assert german.status_code == english.status_code == 200
    for text in ("Sortieren nach", "Reifegrad", "Aus diesem Index installieren"):
        assert text in german.text
        assert text not in english.text
    assert "Sort by" in english.text
    assert "Sort by" not in german.text


def test_compiling_replaces_the_mo_whole_and_only_when_the_po_is_newer(tmp_path):
    """The .mo is renamed into place (no partial file left) and kept while fresh."""
    po = tmp_path / "collective.psc.po"
    po.write_bytes(GERMAN.read_bytes())
    mo = compile_po(po)
    with mo.open("rb") as compiled:
        german = gettext.GNUTranslations(compiled)
    assert german.gettext("Release date") == "Veröffentlichungsdatum"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "collective.psc.mo",
        "collective.psc.po",
    ]
    inode = mo.stat().st_ino
    compile_po(po)
    assert mo.stat().st_ino == inode
    os.utime(po, (mo.stat().st_mtime + 10, mo.stat().st_mtime + 10))
    compile_po(po)
    assert mo.stat().st_ino != inode
