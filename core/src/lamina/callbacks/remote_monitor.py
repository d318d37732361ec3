"""RemoteMonitor: POST each epoch's logs to an HTTP server."""

from __future__ import annotations

import json
import warnings

import numpy as np

from lamina.callbacks.callback import Callback

_TIMEOUT_S = 10


class RemoteMonitor(Callback):
    """Sends `{"epoch": epoch, **logs}` to `root + path` with an HTTP POST after each epoch.

    Uses only the standard library (`urllib`). A server that cannot be reached gives a
    warning, never an error, so monitoring never stops training.

    Args:
        root: the server's root URL.
        path: the path the events are posted to.
        field: the form field that holds the JSON data (when `send_as_json=False`).
        headers: extra HTTP headers (dict), or None.
        send_as_json: send the JSON as the request body (`application/json`) instead
            of as a form field (`application/x-www-form-urlencoded`).

    Example:
        >>> monitor = lamina.callbacks.RemoteMonitor(root="http://localhost:9000")
        >>> model.fit(x, y, epochs=3, callbacks=[monitor], verbose=0)
    """

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
    ):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        # Imported here: urllib.request pulls in http.client and ssl, too slow for `import lamina`.
        import urllib.error
        import urllib.parse
        import urllib.request

        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **(self.headers or {})}
        try:
            request = urllib.request.Request(
                self.root + self.path, data=body, headers=headers, method="POST"
            )
            with urllib.request.urlopen(request, timeout=_TIMEOUT_S):
                pass
        except urllib.error.HTTPError:
            # The server answered (with an error status): the event was delivered.
            pass
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
