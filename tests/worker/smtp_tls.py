#!/usr/bin/env python3
"""smtp_tls.py PORT CERT KEY LOGFILE USER PASSWORD: a small SMTP server with
STARTTLS and AUTH (PLAIN, LOGIN) for tests/worker/smtp_tls.sh.

AUTH is offered only after STARTTLS, and MAIL is refused (530) until the
client has authenticated, as a submission server does.  Each accepted
message is appended to LOGFILE as one JSON line
{tls, user, from, to, data}; each failed login as {"authFailed": user}.
"""
import base64
import json
import socket
import ssl
import sys
import threading

PORT, CERT, KEY, LOG, USER, PASSWORD = sys.argv[1:7]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
lock = threading.Lock()


def log(obj):
    with lock, open(LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(obj) + "\n")


def serve(conn):
    conn.settimeout(60)
    tls = False
    user = None
    mail_from, rcpt = None, []
    f = conn.makefile("rb")

    def w(line):
        conn.sendall(line.encode() + b"\r\n")

    def check(u, p):
        nonlocal user
        if u == USER and p == PASSWORD:
            user = u
            w("235 2.7.0 Authentication successful")
        else:
            log({"authFailed": u})
            w("535 5.7.8 Authentication credentials invalid")

    w("220 tls.test ESMTP")
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.decode("utf-8", "replace").rstrip("\r\n")
        up = cmd.upper()
        print("C: " + cmd.split(" ")[0] + (" (tls)" if tls else ""), file=sys.stderr, flush=True)
        if up.startswith("EHLO") or up.startswith("HELO"):
            w("250-tls.test")
            if not tls:
                w("250-STARTTLS")
            else:
                w("250-AUTH PLAIN LOGIN")
            w("250 8BITMIME")
        elif up == "STARTTLS":
            if tls:
                w("503 5.5.1 TLS already active")
                continue
            w("220 2.0.0 Ready to start TLS")
            conn = ctx.wrap_socket(conn, server_side=True)
            f = conn.makefile("rb")
            tls = True
            user = None
        elif up.startswith("AUTH"):
            if not tls:
                w("538 5.7.11 Encryption required")
                continue
            parts = cmd.split()
            mech = parts[1].upper() if len(parts) > 1 else ""
            if mech == "PLAIN":
                if len(parts) > 2:
                    raw = parts[2]
                else:
                    w("334 ")
                    raw = f.readline().decode().strip()
                try:
                    _, u, p = base64.b64decode(raw).decode().split("\0")
                except Exception:
                    w("501 5.5.2 bad PLAIN")
                    continue
                check(u, p)
            elif mech == "LOGIN":
                w("334 " + base64.b64encode(b"Username:").decode())
                u = base64.b64decode(f.readline().strip()).decode()
                w("334 " + base64.b64encode(b"Password:").decode())
                p = base64.b64decode(f.readline().strip()).decode()
                check(u, p)
            else:
                w("504 5.5.4 mechanism not supported")
        elif up.startswith("MAIL"):
            if user is None:
                w("530 5.7.0 Authentication required")
                continue
            mail_from, rcpt = cmd[10:].strip(), []
            w("250 2.1.0 ok")
        elif up.startswith("RCPT"):
            rcpt.append(cmd[8:].strip())
            w("250 2.1.5 ok")
        elif up == "DATA":
            w("354 go ahead")
            data = []
            while True:
                l = f.readline()
                if not l or l in (b".\r\n", b".\n"):
                    break
                data.append(l.decode("utf-8", "replace"))
            log({"tls": tls, "user": user, "from": mail_from, "to": rcpt, "data": "".join(data)})
            w("250 2.0.0 queued")
        elif up == "RSET":
            mail_from, rcpt = None, []
            w("250 ok")
        elif up == "QUIT":
            w("221 bye")
            return
        else:
            w("250 ok")


def handle(conn):
    try:
        serve(conn)
    except (OSError, ssl.SSLError) as e:
        print("E: %r" % (e,), file=sys.stderr, flush=True)
    finally:
        try:
            conn.close()
        except OSError:
            pass


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(PORT)))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
