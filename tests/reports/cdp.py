"""A minimal headless-Chromium driver over the DevTools protocol, for the browser tests and the load benchmark.

Starts ``chromium --headless --remote-debugging-port=0`` with a fresh profile, connects to the page's
DevTools websocket (tornado's client, a dependency of ``distributed``) and offers what the tests need:
open a URL, evaluate JavaScript, set the viewport width, take a screenshot (whole viewport or an
element). Nothing leaves the machine: the flags turn off background networking, and the page itself
loads nothing.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from tornado.ioloop import IOLoop
from tornado.websocket import websocket_connect

CHROMIUM = Path(os.environ.get("CLAIMS_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
         "--remote-allow-origins=*")


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, profile_dir: Path, width: int = 1280, height: int = 900) -> None:
        self.profile_dir, self.width, self.height = Path(profile_dir), width, height
        self.loop = IOLoop()
        self.proc: subprocess.Popen[bytes] | None = None
        self.ws: Any = None
        self.next_id = 0

    def __enter__(self) -> Browser:
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        port_file = self.profile_dir / "DevToolsActivePort"
        port_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen([str(CHROMIUM), *FLAGS, f"--user-data-dir={self.profile_dir}",
                                      "--remote-debugging-port=0", f"--window-size={self.width},{self.height}",
                                      "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = self.loop.run_sync(lambda: websocket_connect(page["webSocketDebuggerUrl"], max_message_size=1 << 28),
                                     timeout=30)
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.viewport(self.width, self.height)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.loop.close(all_fds=True)

    def send(self, method: str, timeout: float = 60, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and wait for its result (events in between are dropped)."""
        self.next_id += 1
        ident = self.next_id

        async def call() -> dict[str, Any]:
            await self.ws.write_message(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                msg = await self.ws.read_message()
                if msg is None:
                    raise RuntimeError("DevTools connection closed")
                data = json.loads(msg)
                if data.get("id") == ident:
                    if "error" in data:
                        raise RuntimeError(f"{method}: {data['error']}")
                    return data.get("result", {})

        return self.loop.run_sync(call, timeout=timeout)

    def viewport(self, width: int, height: int) -> None:
        """Emulate a window of this size (CSS pixels, scale 1)."""
        self.width, self.height = width, height
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def open(self, url: str, timeout: float = 60) -> None:
        """Navigate and wait until the page's own script has run and its load event fired."""
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        time.sleep(0.1)
        while not self.js("document.readyState === 'complete' && !!document.documentElement.dataset.loadMs"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not finish loading")
            time.sleep(0.05)

    def js(self, expression: str) -> Any:
        """Evaluate a JavaScript expression in the page and return its (JSON) value."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error in {expression[:80]!r}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path, selector: str | None = None) -> Path:
        """A PNG of the viewport, or of the element ``selector`` (scrolled into view)."""
        params: dict[str, Any] = {"format": "png"}
        if selector is not None:
            box = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView(); "
                          "const r = e.getBoundingClientRect(); return [r.x + scrollX, r.y + scrollY, r.width, "
                          "r.height]; })()")
            params.update(clip={"x": box[0], "y": box[1], "width": box[2], "height": min(box[3], 4000), "scale": 1},
                          captureBeyondViewport=True)
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path


__all__ = ["Browser", "CHROMIUM", "FLAGS"]
