#!/usr/bin/env python3
"""receiver.py PORT LOGFILE: a local stand-in for SMSAPI.pl and the CRM webhook.

Every request except the control ones is appended to LOGFILE as one JSON line
{method, path, query, headers, body}.  What it answers is set by the test:
  POST /_mode  body = ok | err14 | 500 | 401 | hang   (default ok)
  GET  /_ping  200 "pong" (readiness)
ok     200 {"count":1,"list":[{"id":"msg-<n>",...}]} (SMSAPI's success shape)
err14  200 {"error":14,"message":"Invalid sender field"}
500    500 {"error":201,"message":"System internal error"}
401    401 {"error":101,"message":"Authorization failed"}
hang   answers 200 after 30 s (past the worker's time-out)
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

PORT = int(sys.argv[1])
LOG = sys.argv[2]
state = {"mode": "ok", "n": 0}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_ping":
            self.reply(200, "pong")
        else:
            self.reply(404, {})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        if self.path == "/_mode":
            with lock:
                state["mode"] = body.strip()
            self.reply(200, {"mode": body.strip()})
            return
        u = urlsplit(self.path)
        with lock:
            state["n"] += 1
            seq = state["n"]
            mode = state["mode"]
            with open(LOG, "a", encoding="utf-8") as f:
                f.write(json.dumps({
                    "method": "POST", "path": u.path,
                    "query": {k: v[0] for k, v in parse_qs(u.query, keep_blank_values=True).items()},
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }, ensure_ascii=False) + "\n")
        if mode == "ok":
            self.reply(200, {"count": 1, "list": [{"id": "msg-%d" % seq, "points": 0.16,
                                                   "status": "QUEUE"}]})
        elif mode == "err14":
            self.reply(200, {"error": 14, "message": "Invalid sender field"})
        elif mode == "500":
            self.reply(500, {"error": 201, "message": "System internal error"})
        elif mode == "401":
            self.reply(401, {"error": 101, "message": "Authorization failed"})
        elif mode == "hang":
            time.sleep(30)
            try:
                self.reply(200, {"count": 1, "list": [{"id": "late"}]})
            except OSError:
                pass
        else:
            self.reply(418, {"error": 0, "message": "unknown mode"})


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
