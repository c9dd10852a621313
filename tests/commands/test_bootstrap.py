"""What a ``psc`` data command loads: English translations only."""

from tests.fixtures.commands import run_script
from tests.fixtures.instances import new_instance
from tests.fixtures.instances import SCRIPT

import json
import pytest


pytestmark = pytest.mark.functional


def loaded_languages(instance: dict, *args: str) -> list[str]:
    """Return the languages of Plone's translations a fresh Zope loaded."""
    result = run_script(
        SCRIPT, instance["zope_conf"], "languages", *args, cwd=instance["root"]
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_data_command_loads_english_and_a_serving_site_every_language(tmp_path):
    instance = new_instance(tmp_path)
    # zope.i18n adds its own "test" pseudo-language to every domain.
    assert set(loaded_languages(instance)) - {"test"} == {"en"}
    everything = loaded_languages(instance, "all")
    assert {"de", "en", "fr", "nl"} <= set(everything)
