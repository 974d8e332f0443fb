"""The web port: static files (types, ETag, no listing, no path escapes), /healthz, security
headers, a WebSocket customer chatting with a tcs-exec executive over TCP and a WebSocket
executive with a tcs-client customer, the refusals of bad upgrades and messages, slowloris
and connection limits on HTTP, TLS on the web port, and a prompt shutdown with idle HTTP
connections open."""
import ssl

from tcs_e2e import *
from tls_certs import Certs
from ws_client import (BINARY, CLOSE, TEXT, UpgradeRefused, WebSocket, encode_frame,
                       http_get, text_frame)

ANA, HUGO = CUSTOMERS[0][0], CUSTOMERS[7][0]
VALENTINA = EXECUTIVES[0][0]


def web_client(server, **options):
    return WsClient(server.port, **options)


def still_serves(server):
    check(server.proc.poll() is None, "server died:\n" + server.out.text[-3000:])
    status, _, body = http_get(server.web_port, "/")
    check(status == 200 and body.startswith(b"<!doctype html>"), "GET / after: %d" % status)
    ws = web_client(server)
    ws.hello()
    check(ws.login_customer(HUGO)["ok"], "a web login after the abuse")
    ws.request("logout")
    ws.close()


def static_files_and_headers():
    with Server(web=True) as server:
        server.out.wait_for(r"Web en http://127\.0\.0\.1:%d/" % server.web_port)
        status, h, body = http_get(server.web_port, "/")
        check(status == 200 and body.startswith(b"<!doctype html>"), "GET /: %d" % status)
        check(h["content-type"] == "text/html; charset=utf-8", "type: %r" % h)
        check("default-src 'self'" in h["content-security-policy"]
              and "frame-ancestors 'self'" in h["content-security-policy"], "CSP: %r" % h)
        check(h["x-content-type-options"] == "nosniff", "nosniff")
        check(h["referrer-policy"] == "no-referrer", "Referrer-Policy")
        check("strict-transport-security" not in h, "HSTS without TLS")
        etag = h["etag"]
        status, h2, body2 = http_get(server.web_port, "/index.html",
                                     ["If-None-Match: " + etag])
        check(status == 304 and body2 == b"" and h2["etag"] == etag, "304: %d" % status)
        status, h3, body3 = http_get(server.web_port, "/", method="HEAD")
        check(status == 200 and h3["content-length"] == h["content-length"] and body3 == b"",
              "HEAD: %d %r" % (status, h3))
        check(http_get(server.web_port, "/nada.html")[0] == 404, "missing file")
        check(http_get(server.web_port, "/", method="POST")[0] == 405, "POST")
        status, _, body = http_get(server.web_port, "/healthz")
        check(status == 200 and body == b"ok\n", "healthz: %d %r" % (status, body))


def path_escapes_refused():
    root = tempfile.mkdtemp(prefix="tcs-web-root-")
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<!doctype html>raiz")
    os.symlink("/etc/passwd", os.path.join(root, "passwd"))
    os.symlink("/etc", os.path.join(root, "etc"))
    os.mkdir(os.path.join(root, "vacia"))
    with Server(web=True, extra_args=["--web-root", root]) as server:
        for target in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                       "/..%2f..%2fetc%2fpasswd", "/%252e%252e/%252e%252e/etc/passwd",
                       "/.%2e/.%2e/etc/passwd", "/..\\..\\etc\\passwd", "/passwd", "/etc/passwd",
                       "/vacia/", "//etc/passwd", "/%00", "/index.html%00"]:
            status, _, body = http_get(server.web_port, target)
            check(status in (400, 404) and b"root:" not in body,
                  "%s: %d %r" % (target, status, body[:80]))
        status, _, body = http_get(server.web_port, "/")
        check(status == 200 and body.endswith(b"raiz"), "the root is still served")
        still_serves(server)
    shutil.rmtree(root, ignore_errors=True)


def web_customer_with_tcp_executive():
    with Server(web=True) as server:
        ana = web_client(server)
        ana.hello()
        check(ana.login_customer(ANA)["ok"], "web login")
        server.out.wait_for(r"\[SERVIDOR\] Cliente Ana Rojas conectado\.")
        products = ana.request("catalogue")["products"]
        check(len(products) >= 20, "catalogue over WebSocket")
        reply = ana.request("purchase", lines=[{"product_id": products[0]["id"], "quantity": 1}])
        check(reply and reply["ok"] and reply["operation_id"] > 0, "purchase: %r" % reply)
        check(ana.request("queue.join")["position"] == 1, "queue.join")
        val = executive(server.port)
        val.send(":connect")
        val.expect(r"Conectado con Ana Rojas")
        started = next_of(ana, "chat.started")
        check(started["executive"]["first_name"] == "Valentina", "chat.started: %r" % started)
        check(ana.request("chat.send", text="hola desde la web ñandú")["ok"], "chat.send")
        val.expect(r"Ana: hola desde la web ñandú")
        val.send("hola desde la terminal")
        message = next_of(ana, "chat.message")
        check(message["text"] == "hola desde la terminal", "chat.message: %r" % message)
        check(ana.request("chat.end")["ok"], "chat.end")
        val.expect(r"(?i)termin")
        ana.request("logout")
        ana.close()
        server.out.wait_for(r"\[SERVIDOR\] Cliente Ana Rojas desconectado\.")
        val.send(":exit")
        check(val.wait() == 0, "executive exit")


def web_executive_with_tcp_customer():
    with Server(web=True) as server:
        val = web_client(server)
        val.hello()
        reply = val.request("login", role="executive", email=VALENTINA, password=EXEC_PASSWORD,
                            totp=totp())
        check(reply and reply["ok"], "web executive login: %r" % reply)
        ana = customer(server.port)
        ana.send("6")
        ana.expect(r"posición 1")
        next_of(val, "queue.joined")
        check(val.request("connect")["ok"], "connect")
        ana.expect(r"Lo atiende Valentina Reyes")
        ana.send("hola desde la terminal")
        message = next_of(val, "chat.message")
        check(message["text"] == "hola desde la terminal", "chat.message: %r" % message)
        check(val.request("chat.send", text="hola desde la web")["ok"], "chat.send")
        ana.expect(r"Valentina: hola desde la web")
        check(val.request("chat.end")["ok"], "chat.end")
        val.request("logout")
        val.close()
        ana.expect(r"Ingrese un número:")
        ana.send("7")
        check(ana.wait() == 0, "customer exit")


def next_of(raw, type_):
    while True:
        message = raw.recv()
        check(message is not None, "connection closed waiting for " + type_)
        if message.get("type") == type_ and "ok" not in message:
            return message


def bad_messages_and_upgrades():
    with Server(web=True) as server:
        port = server.web_port
        ws = WebSocket(port)
        ws.send_text("x" * 70000)  # over 64 KiB
        check(ws.recv_message() == (CLOSE, 1009), "over 64 KiB: close 1009")
        ws = WebSocket(port)
        ws.send_bytes(encode_frame(BINARY, b'{"type":"hello","id":1}'))
        check(ws.recv_message() == (CLOSE, 1003), "binary: close 1003")
        ws = WebSocket(port)
        ws.send_bytes(text_frame(b""))
        op, payload = ws.recv_message()
        check(json.loads(payload)["error"]["code"] == "empty_frame", "empty message")
        ws.send_bytes(text_frame(b"\xff\xfe"))
        check(ws.recv_message() == (CLOSE, 1007), "invalid UTF-8: close 1007")
        # A message in fragments is one message.
        ws = WebSocket(port)
        body = json.dumps({"type": "hello", "id": 7, "version": 1}).encode()
        ws.send_bytes(encode_frame(TEXT, body[:5], fin=False) + encode_frame(0, body[5:]))
        op, payload = ws.recv_message()
        check(op == TEXT and json.loads(payload)["id"] == 7, "fragmented message")
        ws.close()
        for origin in ("https://evil.example", "http://127.0.0.1:%d.evil.example" % port, "null"):
            try:
                WebSocket(port, origin=origin)
                fail("origin %s accepted" % origin)
            except UpgradeRefused as e:
                check(e.status == 403, "origin %s: %d" % (origin, e.status))
        WebSocket(port, origin="http://127.0.0.1:%d" % port).close()  # its own origin
        check(http_get(port, "/ws")[0] == 426, "GET /ws without upgrade: 426")
        status, _, _ = http_get(port, "/ws", ["Upgrade: websocket", "Connection: Upgrade",
                                               "Sec-WebSocket-Version: 13"])
        check(status == 400, "upgrade without a key: %d" % status)
        status, h, _ = http_get(port, "/ws", ["Upgrade: websocket", "Connection: Upgrade",
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                                              "Sec-WebSocket-Version: 8"])
        check(status == 426 and h.get("sec-websocket-version") == "13", "version 8: %d" % status)
        status, _, _ = http_get(port, "/", ["X-Big: " + "a" * 9000])
        check(status == 431, "a 9 KB header: %d" % status)
        status, _, _ = http_get(port, "/", ["Content-Length: 10"])
        check(status in (400, 413), "a request body: %d" % status)
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            check(sock.recv(100).startswith(b"HTTP/1.1 400"), "garbage: 400")
        still_serves(server)


def origins_from_flags():
    args = ["--web-origin", "https://tienda.example", "--web-embed-origin",
            "https://tienda.example"]
    with Server(web=True, extra_args=args) as server:
        WebSocket(server.web_port, origin="https://tienda.example").close()
        try:
            WebSocket(server.web_port, origin="http://127.0.0.1:%d" % server.web_port)
            fail("the server's own origin is not in --web-origin")
        except UpgradeRefused as e:
            check(e.status == 403, "status %d" % e.status)
        _, h, _ = http_get(server.web_port, "/")
        check("frame-ancestors 'self' https://tienda.example" in h["content-security-policy"],
              "CSP: " + h["content-security-policy"])


def slowloris_and_limits():
    with Server(web=True, extra_args=["--max-connections", "30"]) as server:
        port = server.web_port
        start = time.monotonic()
        lorises = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
        for s in lorises:
            s.sendall(b"GET / HTTP/1.1\r\n")
        # Meanwhile the site and a WebSocket session are served.
        check(http_get(port, "/")[0] == 200, "GET / beside the slowloris")
        still_serves(server)
        closed = []
        deadline = time.monotonic() + 20
        while len(closed) < len(lorises) and time.monotonic() < deadline:
            for s in lorises:
                if s in closed:
                    continue
                try:
                    s.sendall(b"X-a: b\r\n")  # a header line a second, never the end
                    s.settimeout(0.05)
                    if s.recv(100) == b"":
                        closed.append(s)
                except (ConnectionResetError, BrokenPipeError):
                    closed.append(s)
                except socket.timeout:
                    pass
            time.sleep(1)
        took = time.monotonic() - start
        check(len(closed) == len(lorises), "%d of %d slowloris connections cut"
              % (len(closed), len(lorises)))
        check(9 <= took <= 16, "slowloris cut after %.1f s (request timeout 10 s)" % took)
        # Held idle connections count against --max-connections with the sessions.
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(30)]
        time.sleep(0.5)
        try:
            status = http_get(port, "/")[0]
        except ConnectionResetError:
            status = 0  # the 503 was written, then the unread request made the close a reset
        check(status in (0, 503), "connection 31: %d" % status)
        for s in held + lorises:
            s.close()
        time.sleep(0.5)
        still_serves(server)
        print("  10 slowloris connections cut after %.1f s; connection 31 refused" % took)


def tls_on_the_web_port():
    certs = Certs()
    with Server(web=True, extra_args=certs.server_args()) as server:
        server.out.wait_for(r"Web en https://127\.0\.0\.1:%d/" % server.web_port)
        ctx = ssl.create_default_context(cafile=certs.ca)
        with socket.create_connection(("127.0.0.1", server.web_port)) as sock:
            with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
                tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                data = b""
                while True:
                    chunk = tls.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        check(data.startswith(b"HTTP/1.1 200") and b"Strict-Transport-Security: max-age="
              in data, "https GET /: %r" % data[:300])
        ws = web_client(server, tls=ctx, server_hostname="localhost")
        ws.hello()
        check(ws.login_customer(ANA)["ok"], "login over wss")
        check(ws.request("catalogue")["ok"], "catalogue over wss")
        ws.request("logout")
        ws.close()
        # Plaintext HTTP to the TLS web port: closed without an answer, no hang.
        with socket.create_connection(("127.0.0.1", server.web_port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                answer = sock.recv(100)
            except ConnectionResetError:
                answer = b""
            check(not answer.startswith(b"HTTP/"), "plaintext answered: %r" % answer)
    shutil.rmtree(certs.dir, ignore_errors=True)


def shutdown_with_idle_http():
    with Server(web=True) as server:
        idle = [socket.create_connection(("127.0.0.1", server.web_port)) for _ in range(5)]
        ws = web_client(server)
        ws.hello()
        check(ws.login_customer(ANA)["ok"], "login")
        start = time.monotonic()
        check(server.stop() == 0, "exit code")
        took = time.monotonic() - start
        check(took < 4, "shutdown took %.1f s with idle HTTP connections" % took)
        message = ws.recv()
        check(message and message["type"] == "shutdown", "shutdown event: %r" % message)
        for s in idle:
            s.close()


if __name__ == "__main__":
    run(static_files_and_headers)
    run(path_escapes_refused)
    run(web_customer_with_tcp_executive)
    run(web_executive_with_tcp_customer)
    run(bad_messages_and_upgrades)
    run(origins_from_flags)
    run(slowloris_and_limits)
    run(tls_on_the_web_port)
    run(shutdown_with_idle_http)
