"""``psc upstream conflicts`` against a real instance and an nginx upstream."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.commands import run_script
from tests.fixtures.instances import new_instance
from tests.fixtures.instances import psc
from tests.fixtures.instances import SCRIPT
from tests.fixtures.servers import running_nginx
from tests.fixtures.upstream import requested
from tests.fixtures.upstream import StaticIndex

import hashlib
import json
import pytest


pytestmark = pytest.mark.functional


def test_conflicts_lists_shadowed_local_and_reserved_names(tmp_path):
    (tmp_path / "instance").mkdir()
    instance = new_instance(tmp_path / "instance")
    index = StaticIndex(tmp_path / "upstream")
    built = tmp_path / "built"
    index.publish("alices-tool", build_wheel(built, "alices-tool", "7.0"))
    index.publish("acme-secret", build_wheel(built, "acme-secret", "1.0"))
    index.publish("elsewhere", build_wheel(built, "elsewhere", "1.0"))
    with running_nginx(index.root, tmp_path / "nginx") as base:
        configured = run_script(
            SCRIPT,
            instance["zope_conf"],
            "upstream",
            f"{base}/simple/",
            "acme-*",
            cwd=instance["root"],
        )
        assert configured.returncode == 0, configured.stderr
        center = ("--center", "/Plone/pypi")
        result = psc(instance, "upstream", "conflicts", *center, "--json")
        text = psc(instance, "upstream", "conflicts", *center)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rows = {row["name"]: row for row in report["shadowed"]}
    assert set(rows) == {"alices-tool", "acme-secret"}
    assert rows["alices-tool"]["versions"] == ["7.0"]
    assert rows["alices-tool"]["local"] is True
    assert rows["acme-secret"]["reserved"] == "acme-*"
    assert report["refused"] == []
    assert text.returncode == 0, text.stderr
    assert "acme-secret" in text.stdout and "reserved acme-*" in text.stdout
    assert "/simple/elsewhere/" not in requested(tmp_path / "nginx" / "access.log")


def test_set_and_show_the_upstream_settings(tmp_path):
    (tmp_path / "instance").mkdir()
    instance = new_instance(tmp_path / "instance")
    center = ("--center", "/Plone/pypi")
    url = "https://user:secret@index.example/simple/"
    changed = psc(
        instance,
        "upstream",
        "set",
        *center,
        "--url",
        url,
        "--merge",
        "Shared_Lib",
        "--allow-list-only",
        "--ttl",
        "60",
    )
    assert changed.returncode == 0, changed.stderr
    shown = psc(instance, "upstream", "show", *center)
    assert shown.returncode == 0, shown.stderr
    rows = dict(line.split(":", 1) for line in shown.stdout.splitlines())
    assert rows["urls"].strip() == "https://index.example/simple/"
    assert rows["merged"].strip() == "shared-lib"
    assert rows["allow-list-only"].strip() == "yes"
    assert rows["ttl"].strip() == "60"
    assert rows["offline"].strip() == "no"
    refused = psc(instance, "upstream", "set", *center, "--url", "file:///etc/")
    assert refused.returncode == 1
    assert "Give the upstream index as an http or https URL" in refused.stderr


def test_import_a_release_and_a_file_url(tmp_path):
    (tmp_path / "instance").mkdir()
    instance = new_instance(tmp_path / "instance")
    index = StaticIndex(tmp_path / "upstream")
    built = tmp_path / "built"
    wheel = build_wheel(built, "imported-tool", "1.0")
    index.publish("imported-tool", wheel)
    index.publish("other-tool", build_wheel(built, "other-tool", "2.0"))
    center = ("--center", "/Plone/pypi")
    with running_nginx(index.root, tmp_path / "nginx") as base:
        file_url = f"{base}/packages/{wheel.name}"
        wrong = psc(
            instance, "upstream", "import", *center, f"{file_url}#sha256={'0' * 64}"
        )
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        imported = psc(
            instance, "upstream", "import", *center, f"{file_url}#sha256={digest}"
        )
        again = psc(
            instance, "upstream", "import", *center, f"{file_url}#sha256={digest}"
        )
        unset = psc(instance, "upstream", "import", *center, "other-tool==2.0")
        psc(instance, "upstream", "set", *center, "--url", f"{base}/simple/")
        by_name = psc(instance, "upstream", "import", *center, "other-tool==2.0")
    assert wrong.returncode != 0
    assert "does not have the sha256" in wrong.stderr
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == f"Imported {wheel.name}.\n"
    assert again.returncode == 0, again.stderr
    assert "Nothing to import" in again.stdout
    assert unset.returncode != 0
    assert "no upstream index" in unset.stderr
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == "Imported other_tool-2.0-py3-none-any.whl.\n"
