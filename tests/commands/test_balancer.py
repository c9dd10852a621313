"""Two instances on one database behind nginx, round-robin, no sticky sessions.

The acceptance test of running several instances: for ZEO and for RelStorage
on PostgreSQL, two ``psc serve`` instances (each with its own ``var``) share
the data, and Debian's nginx balances over them with the configuration that
``psc balancer nginx`` prints.
"""

from collective.psc.commands.balancer import nginx_balancer
from contextlib import ExitStack
from pathlib import Path
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import IndexClient
from tests.fixtures.client import twine_fields
from tests.fixtures.databases import BIN
from tests.fixtures.databases import free_port
from tests.fixtures.databases import served_site
from tests.fixtures.databases import zeo_server
from tests.fixtures.postgres import postgres_server
from tests.fixtures.postgres import server_bin
from tests.fixtures.servers import checked
from tests.fixtures.servers import NGINX
from tests.fixtures.servers import NGINX_MAIN
from tests.fixtures.servers import running
from urllib3 import encode_multipart_formdata

import base64
import collections
import concurrent.futures
import contextlib
import hashlib
import os
import pytest
import re
import requests
import select
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time


pytestmark = [pytest.mark.functional, pytest.mark.scale]

PASSWORD = "balanced-secret"
JSON = "application/vnd.pypi.simple.v1+json"
PROJECTS = [f"spread-{n}" for n in range(6)]
SCALING_DOCS = Path(__file__).parents[2] / "docs" / "scaling.rst"
# Which upstream answered each request, to tell that both instances served.
UPSTREAM_LOG = (
    "log_format psc_upstreams '$request_method $status $upstream_addr $uri';\n"
)


@pytest.fixture(scope="module", params=["zeo", "relstorage"])
def cluster(request, tmp_path_factory):
    """Run the database, two instances and nginx; yield their URLs."""
    root = tmp_path_factory.mktemp(f"cluster-{request.param}")
    env = {"PSC_ADMIN_PASSWORD": PASSWORD}
    with ExitStack() as stack:
        if request.param == "zeo":
            options = stack.enter_context(zeo_server(root / "data"))
        else:
            if server_bin() is None:
                pytest.fail("Debian's postgresql is missing (make system-packages)")
            dsn = stack.enter_context(postgres_server())
            options = ["--relstorage-dsn", dsn]
        # One after the other: the first one creates the site and center.
        first = stack.enter_context(served_site(root, options, var="a", env=env))
        second = stack.enter_context(served_site(root, options, var="b", env=env))
        instances = [f"127.0.0.1:{site['port']}" for site in (first, second)]
        port = free_port()
        run_dir = root / "nginx"
        run_dir.mkdir()
        site = UPSTREAM_LOG + nginx_balancer(
            instances=instances, listen=f"127.0.0.1:{port}", server_name="127.0.0.1"
        ).replace(
            "server_name 127.0.0.1;",
            f"server_name 127.0.0.1;\n    access_log {run_dir}/upstreams.log "
            "psc_upstreams;",
        )
        user = "user root root;\n" if os.geteuid() == 0 else ""
        config = run_dir / "nginx.conf"
        config.write_text(NGINX_MAIN.substitute(user=user, run_dir=run_dir, site=site))
        argv = checked([NGINX, "-p", str(run_dir), "-e", "stderr", "-c", str(config)])
        stack.enter_context(
            running([*argv, "-g", "daemon off;"], port=port, run_dir=run_dir)
        )
        public = f"127.0.0.1:{port}"
        yield {
            "root": root,
            "backend": request.param,
            "options": options,
            "env": env,
            "public": f"http://{public}/pypi",
            "instances": instances,
            "sites": [first, second],
            "upstream_log": run_dir / "upstreams.log",
            # The path that makes an instance answer as nginx would have it.
            "direct": [
                f"http://{instance}/VirtualHostBase/http/{public}/Plone/"
                "VirtualHostRoot/pypi"
                for instance in instances
            ],
        }


def twine_upload(url: str, paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "twine"), "upload", "--disable-progress-bar"]
        + ["--repository-url", f"{url}/legacy/", "-u", "admin", "-p", PASSWORD]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def simple_page(base: str, name: str, accept: str) -> requests.Response:
    answer = requests.get(
        f"{base}/simple/{name}/", headers={"Accept": accept}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return answer


def test_parallel_twine_uploads_through_nginx(cluster, tmp_path):
    # 48 files over 6 projects, 4 files in each release, from 8 twine
    # processes at once; each process sends files of every release.
    expected, batches = {}, collections.defaultdict(list)
    for number, name in enumerate(PROJECTS):
        for version in ("1.0", "2.0"):
            for tag in range(4):
                path = build_wheel(
                    tmp_path / name / version, name, version, build_tag=f"{tag + 1}"
                )
                expected[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
                batches[(number + tag + int(version[0])) % 8].append(path)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda paths: twine_upload(cluster["public"], paths), batches.values()
            )
        )
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
    served = collections.Counter(
        line.split()[2]
        for line in cluster["upstream_log"].read_text().splitlines()
        if line.startswith("POST 200")
    )
    assert set(served) == set(cluster["instances"]), served
    first, second = cluster["direct"]
    serials = {}
    for name in PROJECTS:
        for accept in (JSON, "text/html"):
            answers = [simple_page(base, name, accept) for base in (first, second)]
            assert answers[0].content == answers[1].content
            assert (
                answers[0].headers["X-PyPI-Last-Serial"]
                == answers[1].headers["X-PyPI-Last-Serial"]
            )
        page = simple_page(first, name, JSON).json()
        serials[name] = page["meta"]["_last-serial"]
        for entry in page["files"]:
            assert entry["hashes"]["sha256"] == expected.pop(entry["filename"])
    assert expected == {}
    assert len(set(serials.values())) == len(PROJECTS)
    root = [requests.get(f"{base}/simple/", timeout=60) for base in (first, second)]
    assert (
        root[0].headers["X-PyPI-Last-Serial"] == root[1].headers["X-PyPI-Last-Serial"]
    )
    assert int(root[0].headers["X-PyPI-Last-Serial"]) == max(serials.values())


def test_a_write_on_one_instance_is_read_at_once_on_the_other(cluster, tmp_path):
    instances = cluster["direct"]
    names = []
    # Each way several times: a read that beat the invalidation would show.
    for number in range(6):
        writer, reader = instances[number % 2], instances[1 - number % 2]
        wheel = build_wheel(tmp_path, "read-your-writes", f"1.{number}")
        assert IndexClient(writer, "admin", PASSWORD).upload(wheel).status == 200
        names.append(wheel.name)
        page = simple_page(reader, "read-your-writes", JSON).json()
        assert [entry["filename"] for entry in page["files"]] == names


def test_a_replayed_page_is_stale_at_once_after_a_write_on_the_other(cluster, tmp_path):
    writer, reader = cluster["direct"]
    first = build_wheel(tmp_path / "a", "replayed-elsewhere", "1.0")
    assert IndexClient(writer, "admin", PASSWORD).upload(first).status == 200
    # The reader keeps its answer and gives it again without Zope ...
    answers = [simple_page(reader, "replayed-elsewhere", JSON) for _ in range(3)]
    assert answers[-1].headers.get("X-PSC-Cache") == "hit"
    assert [e["filename"] for e in answers[-1].json()["files"]] == [first.name]
    # ... until the other instance commits: then Zope answers, with the file.
    second = build_wheel(tmp_path / "b", "replayed-elsewhere", "2.0")
    assert IndexClient(writer, "admin", PASSWORD).upload(second).status == 200
    page = simple_page(reader, "replayed-elsewhere", JSON)
    assert page.headers.get("X-PSC-Cache") is None
    assert [e["filename"] for e in page.json()["files"]] == [first.name, second.name]


def test_one_filename_sent_to_both_instances_at_once_is_stored_once(cluster, tmp_path):
    first, second = cluster["direct"]
    wheels = [
        build_wheel(tmp_path / str(n), "raced", "1.0", summary=f"Build {n}.")
        for n in range(2)
    ]
    assert wheels[0].name == wheels[1].name
    barrier = threading.Barrier(2)

    def send(base: str, wheel: Path):
        barrier.wait()
        return IndexClient(base, "admin", PASSWORD).upload(wheel)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(send, (first, second), wheels))
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [200, 400], [(a.status, a.reason) for a in answers]
    refused = next(answer for answer in answers if answer.status == 400)
    assert "File already exists" in refused.reason
    winner = wheels[[answer.status for answer in answers].index(200)]
    page = simple_page(second, "raced", JSON).json()
    assert [entry["hashes"]["sha256"] for entry in page["files"]] == [
        hashlib.sha256(winner.read_bytes()).hexdigest()
    ]
    stored = requests.get(page["files"][0]["url"], timeout=60).content
    assert stored == winner.read_bytes()


def test_an_instance_killed_during_an_upload_leaves_nothing(cluster, tmp_path):
    # A third instance on the same database takes a 50 MB upload and is
    # killed (SIGKILL) half-way; the others never see the file, and the
    # same upload again, through nginx, stores it exactly once.
    wheel = build_wheel(
        tmp_path,
        "killed-upload",
        "1.0",
        extra_files={"killed_upload/blob.bin": os.urandom(50 << 20)},
    )
    fields = [*twine_fields(wheel), ("content", (wheel.name, wheel.read_bytes()))]
    body, content_type = encode_multipart_formdata(fields)
    sent = threading.Event()

    def slow_body():
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]
            if start > len(body) // 2:
                sent.set()
                time.sleep(0.2)

    with served_site(
        cluster["root"], cluster["options"], var="c", env=cluster["env"]
    ) as doomed:
        url = f"http://127.0.0.1:{doomed['port']}/Plone/pypi/legacy/"

        def post():
            try:
                return requests.post(
                    url,
                    data=slow_body(),
                    headers={"Content-Type": content_type},
                    auth=("admin", PASSWORD),
                    timeout=120,
                ).status_code
            except requests.ConnectionError:
                return None

        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(post)
            assert sent.wait(timeout=120)
            os.killpg(doomed["process"].pid, signal.SIGKILL)
            doomed["process"].wait(timeout=60)
            assert future.result(timeout=120) is None
    _first, second = cluster["direct"]
    assert (
        requests.get(f"{second}/simple/killed-upload/", timeout=60).status_code == 404
    )
    assert twine_upload(cluster["public"], [wheel]).returncode == 0
    page = simple_page(second, "killed-upload", JSON).json()
    assert [entry["hashes"]["sha256"] for entry in page["files"]] == [
        hashlib.sha256(wheel.read_bytes()).hexdigest()
    ]


def stored_blobs(cluster: dict) -> int:
    """Count the blob files or large objects in the cluster's shared storage."""
    if cluster["backend"] == "zeo":
        blobs = cluster["root"] / "data" / "blobstorage"
        return sum(1 for path in blobs.rglob("*") if path.is_file())
    import psycopg2

    connection = psycopg2.connect(cluster["options"][1])
    with contextlib.closing(connection), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_largeobject_metadata")
        return cursor.fetchone()[0]


def upload_request(port: int, body: bytes, content_type: str) -> bytes:
    """Return twine's whole POST of a form to an instance's legacy URL."""
    credentials = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    head = (
        "POST /Plone/pypi/legacy/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Authorization: Basic {credentials}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def answered(connection: socket.socket) -> bool:
    """Tell whether the server has sent anything on the connection yet."""
    return bool(select.select([connection], [], [], 0)[0])


def staged_archive(
    directory: Path, size: int, process: subprocess.Popen, connection: socket.socket
) -> Path:
    """Wait until an uncommitted blob file in a directory holds ``size`` bytes."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the instance ended before staging the archive"
        assert not answered(connection), "answered before the archive was staged"
        for path in directory.glob("BUC*"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_size == size:
                    return path
        time.sleep(0.001)
    raise AssertionError(f"no uncommitted blob of {size} bytes in {directory}")


def open_file_sizes(pid: int, directory: Path) -> list[int]:
    """Return the sizes of the files in a directory a process holds open."""
    sizes = []
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(descriptor).startswith(f"{directory}/"):
                sizes.append(descriptor.stat().st_size)
    return sizes


def received_until_closed(connection: socket.socket) -> bytes:
    """Return everything the server sent until it closed the connection."""
    connection.settimeout(60)
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := connection.recv(1 << 16):
            received += chunk
    return received


def test_an_instance_killed_between_parse_and_commit_leaves_nothing(cluster, tmp_path):
    # A fourth instance gets a whole 50 MB upload. Once the archive lies
    # complete in its uncommitted blob file (in the process's own temporary
    # folder) and no answer has come, the instance is stopped (SIGSTOP), the
    # moment is checked, and it is killed (SIGKILL). Nothing reaches the
    # shared storage; the same upload through nginx is stored exactly once;
    # the instance started again removes the file the killed one left.
    name = "killed-at-commit"
    wheel = build_wheel(
        tmp_path,
        name,
        "1.0",
        extra_files={"killed_at_commit/blob.bin": os.urandom(50 << 20)},
    )
    archive = wheel.read_bytes()
    sha256 = hashlib.sha256(archive).hexdigest()
    body, content_type = encode_multipart_formdata(
        [*twine_fields(wheel), ("content", (wheel.name, archive))]
    )
    _first, second = cluster["direct"]
    blobs = stored_blobs(cluster)
    root, options, env = cluster["root"], cluster["options"], cluster["env"]
    with served_site(root, options, var="d", env=env) as doomed:
        process = doomed["process"]
        [temporary] = (root / "d" / "instance" / "tmp").glob("run-*")
        with socket.create_connection(("127.0.0.1", doomed["port"])) as connection:
            connection.sendall(upload_request(doomed["port"], body, content_type))
            staged = staged_archive(temporary, len(archive), process, connection)
            os.killpg(process.pid, signal.SIGSTOP)
            # Stopped: the whole body arrived (the server's copy of it), the
            # archive was parsed out of it byte for byte, nothing was
            # answered and nothing committed.
            assert len(body) in open_file_sizes(process.pid, temporary)
            assert hashlib.sha256(staged.read_bytes()).hexdigest() == sha256
            assert not answered(connection)
            assert (
                requests.get(f"{second}/simple/{name}/", timeout=60).status_code == 404
            )
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            assert received_until_closed(connection) == b""
    # Killed, the instance could not remove its uncommitted blob file; the
    # next process on the instance does.
    assert staged.stat().st_size == len(archive)
    with served_site(root, options, var="d", env=env):
        assert not staged.exists()
        assert not temporary.exists()
    for accept in (JSON, "text/html"):
        page = requests.get(
            f"{second}/simple/{name}/", headers={"Accept": accept}, timeout=60
        )
        assert page.status_code == 404, page.text
    assert requests.get(f"{second}/pypi/{name}/json", timeout=60).status_code == 404
    assert stored_blobs(cluster) == blobs
    result = twine_upload(cluster["public"], [wheel])
    assert result.returncode == 0, result.stdout + result.stderr
    page = simple_page(second, name, JSON).json()
    assert [entry["hashes"]["sha256"] for entry in page["files"]] == [sha256]
    download = requests.get(page["files"][0]["url"], timeout=60).content
    assert hashlib.sha256(download).hexdigest() == sha256
    assert stored_blobs(cluster) == blobs + 1


def pack_command(cluster) -> list[str]:
    """Return the command that packs the cluster's database while it serves."""
    options = cluster["options"]
    if cluster["backend"] == "zeo":
        return [str(BIN / "zeopack"), "-d", "0", options[1]]
    config = cluster["root"] / "pack.conf"
    config.write_text(
        "%import relstorage\n"
        "<relstorage>\n"
        "    keep-history false\n"
        "    pack-gc true\n"
        "    <postgresql>\n"
        f"        dsn {options[1]}\n"
        "    </postgresql>\n"
        "</relstorage>\n"
    )
    return [str(BIN / "zodbpack"), "-d", "0", str(config)]


def test_packing_during_uploads_keeps_every_file(cluster, tmp_path):
    expected, batches = {}, []
    for batch in range(4):
        paths = []
        for n in range(3):
            path = build_wheel(tmp_path / str(batch), f"packed-{batch}", f"1.{n}")
            expected[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
            paths.append(path)
        batches.append(paths)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        uploads = [
            pool.submit(twine_upload, cluster["public"], paths) for paths in batches
        ]
        packed = subprocess.run(
            pack_command(cluster), capture_output=True, text=True, timeout=600
        )
        results = [future.result() for future in uploads]
    assert packed.returncode == 0, packed.stdout + packed.stderr
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
    for batch in range(4):
        page = simple_page(cluster["public"], f"packed-{batch}", JSON).json()
        for entry in page["files"]:
            body = requests.get(entry["url"], timeout=60).content
            assert hashlib.sha256(body).hexdigest() == expected.pop(entry["filename"])
    assert expected == {}


def docs_nginx_snippets(section: str) -> list[str]:
    """Return the nginx code blocks of a section of docs/scaling.rst."""
    text = SCALING_DOCS.read_text().split(f"\n{section}\n", 1)[1]
    text = re.split(r"\n[^\n]+\n-{3,}\n", text, maxsplit=1)[0]
    blocks = re.findall(r"\.\. code-block:: nginx\n\n((?:(?: {4}.*)?\n)+)", text)
    return [textwrap.dedent(block) for block in blocks]


def get_twice(
    url: str, accept: str = JSON, auth: tuple[str, str] | None = None
) -> list[requests.Response]:
    """GET a URL twice in a row; return both answers."""
    headers = {"Accept": accept}
    return [requests.get(url, headers=headers, auth=auth, timeout=60) for _ in "12"]


def cache_statuses(answers: list[requests.Response]) -> list[str]:
    """Return what nginx's cache did for each answer (its X-Cache-Status)."""
    return [answer.headers["X-Cache-Status"] for answer in answers]


def test_a_caching_nginx_as_the_docs_configure_it(cluster, tmp_path):
    http, server = docs_nginx_snippets("A caching proxy in front")
    run_dir, port = tmp_path / "nginx", free_port()
    run_dir.mkdir()
    balancer = nginx_balancer(
        instances=cluster["instances"], listen=f"127.0.0.1:{port}"
    )
    site = http.replace("/var/cache/nginx/psc", str(run_dir / "cache")) + (
        balancer.replace(
            "    location /", textwrap.indent(server, "    ") + "\n    location /"
        )
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = run_dir / "nginx.conf"
    config.write_text(NGINX_MAIN.substitute(user=user, run_dir=run_dir, site=site))
    argv = checked([NGINX, "-p", str(run_dir), "-e", "stderr", "-c", str(config)])
    with running([*argv, "-g", "daemon off;"], port=port, run_dir=run_dir):
        base = f"http://127.0.0.1:{port}/pypi"
        wheel = build_wheel(tmp_path, "cached", "1.0")
        assert IndexClient(base, "admin", PASSWORD).upload(wheel).status == 200
        # One copy per Accept header (Vary): both formats stay cached.
        for accept, first in ((JSON, "MISS"), ("text/html", "MISS"), (JSON, "HIT")):
            answers = get_twice(f"{base}/simple/cached/", accept)
            assert cache_statuses(answers) == [first, "HIT"]
            assert answers[1].headers["Content-Type"].startswith(accept)
            assert answers[1].headers["Vary"] == "Accept"
            assert answers[0].content == answers[1].content
        entry = answers[1].json()["files"][0]
        for url in (f"{base}/pypi/cached/json", entry["url"]):
            answers = get_twice(url, "*/*")
            assert cache_statuses(answers) == ["MISS", "HIT"]
        digest = hashlib.sha256(answers[1].content).hexdigest()
        assert digest == entry["hashes"]["sha256"]
        # With credentials: never from the cache, never into it.
        url = f"{base}/pypi/cached/1.0/json"
        assert (
            cache_statuses(get_twice(url, auth=("admin", PASSWORD))) == ["BYPASS"] * 2
        )
        assert cache_statuses(get_twice(url)) == ["MISS", "HIT"]
        # Plone's own pages are not cached.
        assert cache_statuses(get_twice(base, "text/html")) == ["BYPASS"] * 2


def logged_requests(cluster: dict) -> list[str]:
    """Return the lines of nginx's log of upstreams, one per request."""
    return cluster["upstream_log"].read_text().splitlines()


def install(argv: list[str], target: Path, env: dict | None = None) -> None:
    """Install still-there into a target folder through nginx; check it is there."""
    result = subprocess.run(
        [*argv, "--no-deps", "--target", str(target), "still-there"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "still_there").is_dir()


def test_pip_and_uv_install_through_nginx_with_one_instance_stopped(cluster, tmp_path):
    # The second instance stays stopped: this is the module's last test.
    wheel = build_wheel(tmp_path, "still-there", "1.0")
    assert twine_upload(cluster["public"], [wheel]).returncode == 0
    second = cluster["sites"][1]["process"]
    os.killpg(second.pid, signal.SIGTERM)
    second.wait(timeout=60)
    index = ["--index-url", f"{cluster['public']}/simple/"]
    stopped_at = len(logged_requests(cluster))
    pip = [str(BIN / "python"), "-m", "pip", "install", *index]
    for attempt in range(3):
        install(pip, tmp_path / f"pip-{attempt}")
    uv_from = len(logged_requests(cluster))
    uv = [str(BIN / "uv"), "pip", "install", "--no-cache", "--python", sys.executable]
    uv_cache = {"UV_CACHE_DIR": str(tmp_path / "uv-cache")}
    for attempt in range(3):
        install([*uv, *index], tmp_path / f"uv-{attempt}", env=uv_cache)
    lines = logged_requests(cluster)
    # Every request answered; a request nginx sent to the stopped instance
    # went on to the other one ($upstream_addr lists both).
    assert {line.split()[1] for line in lines[stopped_at:]} <= {"200", "304"}
    assert any(cluster["instances"][1] + ", " in line for line in lines[stopped_at:])
    # uv asked the server each time, no answer came from a cache of its own.
    pages = [line for line in lines[uv_from:] if line.endswith("/simple/still-there/")]
    assert len(pages) == 3, lines[uv_from:]
