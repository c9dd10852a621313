#!/usr/bin/env bash
# Release check: build the sdist and the wheel from a clean copy of the checkout,
# check their metadata and contents, install the wheel (not the checkout) into fresh
# virtualenvs outside the checkout with the pinned constraints, and use it as a
# user would: "psc init", "psc serve", an upload with twine, an install with pip.
# The Plone 6.1 set must take the same wheel without moving Plone off 6.1.
set -euo pipefail

checkout="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-python3}"
uv="${UV:-$checkout/.venv/bin/uv}"
twine="${TWINE:-$checkout/.venv/bin/twine}"
work="$(mktemp -d "${TMPDIR:-/tmp}/psc-release-XXXXXX")"
server=""

finish() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap finish EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'release check failed: %s\n' "$*" >&2; exit 1; }

step "copy the tracked and new files of the checkout"
mkdir "$work/source"
(cd "$checkout" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$checkout" && xargs -0 cp --parents -t "$work/source" 2>/dev/null || true)
[ -f "$work/source/setup.py" ] || fail "the copy has no setup.py"

step "build the sdist, then the wheel from the sdist"
"$uv" build --quiet --out-dir "$work/dist" "$work/source"
sdist="$(ls "$work"/dist/collective_psc-*.tar.gz)"
wheel="$(ls "$work"/dist/collective_psc-*.whl)"

step "twine check --strict"
"$twine" check --strict "$sdist" "$wheel"

step "every tracked file of the add-on is in the wheel and the sdist"
"$python" - "$checkout" "$wheel" "$sdist" <<'EOF'
import subprocess
import sys
import tarfile
import zipfile

checkout, wheel, sdist = sys.argv[1:]
tracked = subprocess.run(
    ["git", "ls-files", "--cached", "--others", "--exclude-standard", "src"],
    cwd=checkout, capture_output=True, text=True, check=True,
).stdout.split()
package_files = {path.removeprefix("src/") for path in tracked}
in_wheel = set(zipfile.ZipFile(wheel).namelist())
with tarfile.open(sdist) as archive:
    in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
missing = sorted(package_files - in_wheel)
missing += sorted(f"sdist: {path}" for path in tracked if path not in in_sdist)
missing += [f"sdist: {name}" for name in ("LICENSE", "CHANGES.rst", "setup.py")
            if name not in in_sdist]
if missing:
    sys.exit("missing from the distributions:\n  " + "\n  ".join(missing))
print(f"{len(package_files)} package files in the wheel and the sdist")
EOF

step "install the wheel into a fresh virtualenv with constraints.txt"
"$python" -m venv "$work/venv"
"$uv" pip install --quiet --python "$work/venv/bin/python" \
    -c "$checkout/constraints.txt" "$wheel"
cd "$work"
"$work/venv/bin/python" - <<'EOF'
import collective.psc
import importlib.metadata

location = collective.psc.__path__[0]
assert "site-packages" in location, f"collective.psc comes from {location}"
for extra in ("pytest", "playwright", "twine", "ruff"):
    try:
        importlib.metadata.distribution(extra)
    except importlib.metadata.PackageNotFoundError:
        continue
    raise SystemExit(f"a production install pulled in {extra}")
print("collective.psc", importlib.metadata.version("collective.psc"), "at", location)
EOF

step "psc init and psc serve from the installed wheel"
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir "$work/instance"
cd "$work/instance"
"$work/venv/bin/psc" init --var var --port "$port"
"$work/venv/bin/psc" serve --var var --port "$port" > "$work/serve.log" 2>&1 &
server=$!
index="http://127.0.0.1:$port/Plone/pypi"
for _ in $(seq 240); do
    curl -sf -o /dev/null "$index/simple/" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; fail "psc serve exited"; }
    sleep 0.5
done
curl -sf -o /dev/null "$index/simple/" || { cat "$work/serve.log"; fail "$index/simple/ did not answer"; }

step "upload a package with twine and install it back with pip"
"$uv" build --quiet --out-dir "$work/demo" "$work/source/tests/fixtures/project"
TWINE_USERNAME=admin TWINE_PASSWORD="$(cat var/admin-password)" \
    "$twine" upload --non-interactive --disable-progress-bar \
    --repository-url "$index/legacy/" "$work"/demo/*
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-deps --index-url "$index/simple/" --target "$work/installed" psc-demo==1.0
[ -f "$work/installed/psc_demo/__init__.py" ] || fail "pip did not install psc-demo"
kill "$server"
wait "$server" 2>/dev/null || true
server=""

step "the same wheel installs on Plone 6.1 without moving Plone"
"$python" -m venv "$work/venv-6.1"
"$uv" pip install --quiet --python "$work/venv-6.1/bin/python" \
    -c "$checkout/constraints-6.1.txt" "Plone==6.1.*" setuptools
"$work/venv-6.1/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$checkout/constraints-6.1.txt" "$wheel"
"$work/venv-6.1/bin/python" - <<'EOF'
import importlib.metadata

for name in ("Plone", "Products.CMFPlone"):
    version = importlib.metadata.version(name)
    assert version.startswith("6.1."), f"{name} is {version}, not 6.1"
    print(name, version)
import collective.psc.browser.listing  # noqa: F401
import collective.psc.restapi.serializers  # noqa: F401
EOF

printf '\nrelease check passed\n'
