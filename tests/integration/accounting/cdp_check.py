#!/usr/bin/env python3
# slurm-carbon: open a page in headless Chromium through the DevTools protocol and say what it
# rendered and what its console said. Standard library only.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   cdp_check.py PAGE.html
#
# Prints one JSON object: {"title", "charts": [{"id", "width", "height"}], "bars", "curves",
# "starts", "rows", "errors": [console errors, uncaught exceptions, failed loads]}.
# $CHROMIUM names the browser (default: chromium). Exit status 0 when the page loaded,
# 1 otherwise (the browser did not start, the page did not load in time).
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

TIMEOUT = 60

MEASURE = r"""
(() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
  return JSON.stringify({
    title: document.title,
    charts: [...document.querySelectorAll('svg.chart')].map(e => {
      const [w, h] = box(e); return {id: e.id, width: w, height: h}; }),
    bars: document.querySelectorAll('svg rect.bar').length,
    visible_bars: [...document.querySelectorAll('svg rect.bar')].filter(e => box(e)[0] > 0).length,
    curves: document.querySelectorAll('svg polyline.curve').length,
    starts: document.querySelectorAll('svg line.start').length,
    rows: document.querySelectorAll('table#rows tbody tr').length,
  });
})()
"""


class WebSocket:
    """A minimal RFC 6455 client: text frames, no extensions."""

    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("websocket handshake: connection closed")
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise OSError(f"websocket handshake: {status!r}")
        self.buf = head.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            header = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("websocket: connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            if b1 & 0x80:
                self._read(4)  # servers don't mask; skip if one does
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                raise OSError("websocket: closed by the browser")
            if opcode in (9, 10):  # ping/pong
                continue
            message += payload
            if b0 & 0x80:
                return message.decode("utf-8", "replace")


def main():
    if len(sys.argv) != 2:
        print("usage: cdp_check.py PAGE.html", file=sys.stderr)
        return 2
    page = "file://" + os.path.abspath(sys.argv[1])
    profile = tempfile.mkdtemp(prefix="sc-chromium-")
    browser = None
    try:
        browser = subprocess.Popen(
            [os.environ.get("CHROMIUM", "chromium"), "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + TIMEOUT
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if browser.poll() is not None or time.time() > deadline:
                print("cdp_check: the browser did not start", file=sys.stderr)
                return 1
            time.sleep(0.1)
        port = int(open(port_file).read().split("\n")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as r:
            targets = json.load(r)
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        ws = WebSocket(ws_url)
        ids = iter(range(1, 1 << 30))
        errors = []
        pending = {}

        def call(method, **params):
            i = next(ids)
            ws.send(json.dumps({"id": i, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == i:
                    if "error" in msg:
                        raise OSError(f"{method}: {msg['error']}")
                    return msg.get("result", {})
                event(msg)

        def event(msg):
            m, p = msg.get("method"), msg.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append("console." + p["type"] + ": " +
                              " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                errors.append("exception: " + d.get("text", "") + " " +
                              str(d.get("exception", {}).get("description", "")))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                e = p["entry"]
                errors.append("log: " + e.get("text", "") + (" " + e["url"] if e.get("url") else ""))
            elif m == "Page.loadEventFired":
                pending["loaded"] = True

        call("Runtime.enable")
        call("Log.enable")
        call("Page.enable")
        call("Page.navigate", url=page)
        deadline = time.time() + TIMEOUT
        while not pending.get("loaded"):
            if time.time() > deadline:
                print("cdp_check: the page did not load", file=sys.stderr)
                return 1
            event(json.loads(ws.recv()))
        # Let late console messages arrive.
        call("Runtime.evaluate", expression="new Promise(r => setTimeout(r, 300))", awaitPromise=True)
        res = call("Runtime.evaluate", expression=MEASURE, returnByValue=True)
        out = json.loads(res["result"]["value"])
        out["errors"] = errors
        print(json.dumps(out))
        return 0
    finally:
        if browser and browser.poll() is None:
            browser.terminate()
            try:
                browser.wait(timeout=10)
            except subprocess.TimeoutExpired:
                browser.kill()
                browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
