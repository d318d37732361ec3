"""RemoteMonitor: POSTs each epoch's logs to a local HTTP server (standard library only)."""

import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

from lamina.callbacks import RemoteMonitor


@pytest.fixture
def server():
    """A local HTTP server recording (path, headers, body) of each POST."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        status = 200

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), body.decode()))
            self.send_response(Handler.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    httpd.received, httpd.handler = received, Handler
    httpd.root = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_form_encoded_json_by_default(server):
    monitor = RemoteMonitor(root=server.root)
    monitor.on_epoch_end(2, {"loss": np.float32(0.5), "acc": 1.0})
    (path, headers, body) = server.received[0]
    assert path == "/publish/epoch/end/"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    payload = urllib.parse.parse_qs(body)
    assert list(payload) == ["data"]
    assert json.loads(payload["data"][0]) == {"epoch": 2, "loss": 0.5, "acc": 1.0}


def test_send_as_json_custom_path_field_and_headers(server):
    monitor = RemoteMonitor(
        root=server.root, path="/events", headers={"X-Run": "7"}, send_as_json=True
    )
    monitor.on_epoch_end(0, {"loss": np.array(0.25)})
    path, headers, body = server.received[0]
    assert path == "/events"
    assert headers["Content-Type"] == "application/json" and headers["X-Run"] == "7"
    assert json.loads(body) == {"epoch": 0, "loss": 0.25}

    RemoteMonitor(root=server.root, field="payload").on_epoch_end(1, None)
    assert urllib.parse.parse_qs(server.received[1][2]) == {"payload": ['{"epoch": 1}']}


def test_error_status_is_not_a_warning(server, recwarn):
    server.handler.status = 500
    RemoteMonitor(root=server.root).on_epoch_end(0, {"loss": 1.0})
    assert len(server.received) == 1 and not recwarn.list


@pytest.mark.parametrize("root", ["http://127.0.0.1:9", "not a url"])
def test_unreachable_server_warns(root):
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        RemoteMonitor(root=root).on_epoch_end(0, {"loss": 1.0})
