"""Each ``psc serve`` process writes its temporary files in a folder of its own.

An archive being uploaded lies in an uncommitted blob file in the temporary
directory until the commit; a process killed meanwhile cannot remove it.
The next process started on the instance removes the folders of processes
that are gone, never those of processes still running.
"""

from pathlib import Path

import signal
import subprocess
import sys


PROCESS = """
import sys, tempfile
from pathlib import Path
from collective.psc.commands.instance import InstanceSettings
from collective.psc.commands.instance import private_temporary_directory

folder = private_temporary_directory(InstanceSettings(var=Path(sys.argv[1])))
# What ZODB does with an archive being uploaded: a named file in tempdir.
with tempfile.NamedTemporaryFile(prefix="BUC", delete=False) as staged:
    staged.write(b"x" * 1000)
print(folder, staged.name, flush=True)
sys.stdin.read()
"""


def started(var: Path) -> tuple[subprocess.Popen, Path, Path]:
    """Start a process that takes its folder and stages a file; return both."""
    process = subprocess.Popen(
        [sys.executable, "-c", PROCESS, str(var)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    folder, staged = process.stdout.readline().split()
    return process, Path(folder), Path(staged)


def test_a_killed_process_folder_goes_at_the_next_start_a_running_one_stays(
    tmp_path,
):
    var = tmp_path / "var"
    (var / "instance").mkdir(parents=True)
    running, running_folder, running_file = started(var)
    killed, killed_folder, killed_file = started(var)
    try:
        assert running_folder != killed_folder
        assert running_file.parent == running_folder
        assert killed_file.parent == killed_folder
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        assert killed_file.stat().st_size == 1000  # left behind

        following, following_folder, _ = started(var)
        following.communicate("", timeout=30)
        # The killed process's folder is gone with its file; the running
        # process keeps its folder and its file.
        assert not killed_folder.exists()
        assert running_file.read_bytes() == b"x" * 1000
        assert following_folder.parent == var / "instance" / "tmp"
    finally:
        running.communicate("", timeout=30)
    assert sorted(path.name for path in (var / "instance" / "tmp").iterdir()) == sorted(
        [running_folder.name, following_folder.name]
    )
