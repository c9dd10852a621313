"""zc.buildout with the center as its only index, over an nginx upstream."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.buildout import buildout
from tests.fixtures.buildout import installed
from tests.fixtures.buildout import RECIPE_VERSION
from tests.fixtures.upstream import configure
from tests.fixtures.upstream import requested

import pytest


pytestmark = pytest.mark.functional


def test_buildout_takes_upstream_eggs_and_keeps_local_names(
    served_center,
    client,
    static_index,
    upstream,
    recipe,
    tmp_path,
):
    built = tmp_path / "built"
    needs_lib = {"Requires-Dist": "demo-lib>=1"}
    static_index.publish("zc-recipe-egg", recipe)
    static_index.publish(
        "demo-pkg",
        build_wheel(built / "pkg", "Demo.Pkg", "2.0", metadata_extra=needs_lib),
    )
    static_index.publish("demo-lib", build_wheel(built / "evil", "demo-lib", "9.0"))
    assert client.upload(build_wheel(built / "local", "demo-lib", "1.0")).status == 200
    configure(served_center, upstream_urls=[upstream["url"]], upstream_ttl=0)
    directory = tmp_path / "buildout"
    result = buildout(directory, index=f"{client.center_url}/simple/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed(directory) == [
        "Demo.Pkg-2.0",
        "demo_lib-1.0",
        f"zc.recipe.egg-{RECIPE_VERSION}",
    ]
    assert "/simple/demo-lib/" not in requested(upstream["log"])
