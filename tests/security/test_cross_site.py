"""A cross-site page cannot upload or register with a browser's cached credentials.

Chromium logs in to a private center with HTTP Basic, as a user reading the
index in the browser would, then opens a page of another site that posts a
register form and a ``fetch`` upload to the center's ``legacy/`` URL. The
browser sends the user's credentials along; the center must refuse both.
"""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_fields
from tests.fixtures.served import fresh
from tests.fixtures.served import make_private

import base64
import json
import pytest
import requests
import threading


pytestmark = pytest.mark.functional

ALICE = ("alice", "alice-secret")

PAGE = """<!DOCTYPE html>
<html><body>
<form id="register" method="post" enctype="multipart/form-data" action="{legacy}">
{inputs}
</form>
<script>
const fields = {fields};
const body = new FormData();
for (const [key, value] of fields) body.append(key, value);
const bytes = Uint8Array.from(atob("{wheel}"), c => c.charCodeAt(0));
body.append("content", new Blob([bytes]), "{filename}");
fetch("{legacy}", {{method: "POST", body, mode: "no-cors", credentials: "include"}})
  .finally(() => document.getElementById("register").submit());
</script>
</body></html>
"""


@pytest.fixture
def attack(served_center, client, tmp_path):
    """Return the URL of another site's page that posts to the private center."""
    first = build_wheel(tmp_path / "a", "alices-tool", "1.0", summary="The original.")
    assert client.upload(first, auth=ALICE).status == 200
    make_private(served_center)
    wheel = build_wheel(tmp_path / "b", "alices-tool", "6.6")
    upload_fields = twine_fields(wheel)
    register = [(k, v) for k, v in twine_fields(wheel) if k != ":action"]
    register = [
        *[(k, "Hijacked." if k == "summary" else v) for k, v in register],
        (":action", "submit"),
    ]
    register = [(k, v.replace("6.6", "7.7")) for k, v in register]
    legacy = f"{served_center.absolute_url()}/legacy/"
    html = PAGE.format(
        legacy=legacy,
        inputs="\n".join(
            f'<input type="hidden" name="{k}" value="{v}">'
            for k, v in register
            if "\n" not in v
        ),
        fields=json.dumps(upload_fields),
        wheel=base64.b64encode(wheel.read_bytes()).decode(),
        filename=wheel.name,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    # The center is served on localhost; the other site is 127.0.0.1.
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_cross_site_post_with_cached_basic_credentials(chromium, served_center, attack):
    assert served_center.absolute_url().startswith("http://localhost:")
    context = chromium.new_context(
        http_credentials={"username": ALICE[0], "password": ALICE[1]}
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    # The user reads the private index: the browser now holds her credentials.
    answer = page.goto(f"{served_center.absolute_url()}/simple/alices-tool/")
    assert answer.status == 200
    assert "alices_tool-1.0" in page.content()
    # Another site posts to the upload URL; the browser sends the credentials.
    with page.expect_navigation(url=f"{served_center.absolute_url()}/legacy/"):
        page.goto(attack)
    text = page.inner_text("body")
    context.close()
    assert "came from a web browser" in text
    state = fresh(served_center)["alices-tool"]
    assert sorted(state.objectIds()) == ["1"]
    assert state.Description() == "The original."
    # The same credentials still work for twine, which sends no browser headers.
    listing = requests.get(
        f"{served_center.absolute_url()}/simple/alices-tool/", auth=ALICE, timeout=30
    )
    assert listing.status_code == 200
