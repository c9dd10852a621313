"""Compare the upload rate of the blob and the filesystem archive storages.

Makes a throwaway instance with ``psc init`` in a temporary directory, adds a
second center that keeps its archives on the filesystem, and adds the same
number of equally large wheels to each center through the service layer, one
transaction per file as an upload request does. The two centers take turns
file by file, so both see the same machine load. Prints files per second and
MiB per second for each storage, and their ratio.

Usage: .venv/bin/python benchmarks/storage.py [--files 100] [--size 262144]
"""

from pathlib import Path

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


REPO = Path(__file__).resolve().parent.parent
PSC = Path(sys.executable).with_name("psc")


def build_wheels(directory: Path, prefix: str, count: int, size: int) -> list[Path]:
    """Build wheels of distinct names with ``size`` incompressible bytes each."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.fixtures.builder import build_wheel

    return [
        build_wheel(
            directory,
            f"{prefix}-{n:04d}",
            "1.0",
            extra_files={"payload.bin": os.urandom(size)},
        )
        for n in range(count)
    ]


def measure(zope_conf: Path, var: Path, wheels: dict[str, list[Path]]) -> dict:
    """Add every wheel to the center of its storage; return seconds per storage."""
    from collective.psc.commands.instance import ensure_center
    from collective.psc.commands.instance import login_as
    from collective.psc.commands.instance import opened_app
    from collective.psc.services import archives
    from collective.psc.services.centers import set_storage
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest

    import transaction

    seconds = dict.fromkeys(wheels, 0.0)
    with opened_app(zope_conf) as app:
        setRequest(app.REQUEST)
        login_as(app, "admin")
        site = app["Plone"]
        setSite(site)
        (var / "archives").mkdir()
        centers = {"blob": site["pypi"]}
        centers["filesystem"], _created = ensure_center(
            site, center_id="pypi-fs", title="Filesystem index"
        )
        set_storage(
            center=centers["filesystem"],
            name="filesystem",
            path=str(var / "archives"),
        )
        transaction.commit()
        names = list(wheels)
        for n in range(len(wheels[names[0]])):
            for name in names if n % 2 else reversed(names):
                path = wheels[name][n]
                start = time.perf_counter()
                with path.open("rb") as stream:
                    archives.add_archive(
                        center=centers[name], filename=path.name, stream=stream
                    )
                transaction.commit()
                seconds[name] += time.perf_counter() - start
    return seconds


def main() -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100, help="wheels per storage")
    parser.add_argument(
        "--size", type=int, default=256 * 1024, help="payload bytes per wheel"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="psc-storage-bench-"))
    try:
        subprocess.run(
            [str(PSC), "init", "--var", "var", "--port", "0"],
            cwd=work,
            check=True,
            capture_output=True,
        )
        var = work / "var"
        wheels = {
            name: build_wheels(work / name, f"bench-{name}", args.files, args.size)
            for name in ("blob", "filesystem")
        }
        size = sum(path.stat().st_size for path in wheels["blob"]) / (1 << 20)
        seconds = measure(var / "instance" / "etc" / "zope.conf", var, wheels)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.files} wheels of {size / args.files:.2f} MiB per storage")
    print(f"{'storage':<12} {'seconds':>8} {'files/s':>8} {'MiB/s':>8}")
    for name, spent in seconds.items():
        print(
            f"{name:<12} {spent:>8.2f} {args.files / spent:>8.1f} {size / spent:>8.1f}"
        )
    ratio = seconds["blob"] / seconds["filesystem"]
    print(f"filesystem / blob upload rate: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
