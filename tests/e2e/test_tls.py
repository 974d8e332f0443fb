"""TLS on the TCP port: tcs-client over TLS logs in and buys; a wrong CA, an expired
certificate and a wrong host name are refused with a clear message; a plaintext client on the
TLS port is closed without hanging; a certificate is reloaded on SIGHUP; the server refuses a
non-loopback --host without TLS or --allow-plaintext."""
import signal
import ssl
import warnings

from tcs_e2e import *
from tls_certs import Certs

CERTS = Certs()


def tls_args(ca=None, host="localhost"):
    return ["--tls", "--ca", ca or CERTS.ca, "--host", host]


def login_and_buy_over_tls():
    with Server(extra_args=CERTS.server_args()) as server:
        server.out.wait_for(r"Escuchando en 127\.0\.0\.1:\d+ \(TLS\)\.")
        t = customer(server.port, args=tls_args())
        t.send("3")
        t.expect(r"Catálogo de productos:")
        t.expect(r"Ingrese un número:")
        t.send("1")
        t.expect(r"Ingrese el número del producto \(0 = volver\):")
        t.send("1")
        t.expect(r"¿Cuántas unidades de .+\? \(1 a \d+\)")
        t.send("1")
        t.expect(r"Agregado: ")
        t.expect(r"Ingrese un número:")
        t.send("4")
        t.send("s")
        t.expect(r"¡Compra realizada! Operación #\d+")
        # An executive over TLS by IP address (the certificate has 127.0.0.1 too).
        e = executive(server.port, args=tls_args(host="127.0.0.1"))
        e.send(":exit")
        check(e.wait() == 0, "executive exit code:\n" + e.out.text[-2000:])
        t.expect(r"Ingrese un número:")
        t.send("7")
        check(t.wait() == 0, "customer exit code:\n" + t.out.text[-2000:])


def refused(server_pair, client_args, reason):
    """A terminal whose TLS check fails says why in Spanish, sends nothing, exits non-zero."""
    with Server(extra_args=CERTS.server_args(server_pair)) as server:
        t = Terminal(CLIENT, server.port, client_args)
        # The terminal connects once the credentials are typed (issue 18).
        t.send(CUSTOMERS[0][0])
        t.send(CUSTOMER_PASSWORD)
        t.expect(r"No se pudo establecer una conexión segura con [^:]+:%d: %s"
                 % (server.port, reason))
        check(t.wait() != 0, "a refused connection must exit non-zero")
        check(server.out.count(r"Cliente .* conectado") == 0, "someone logged in")


def bad_certificates_refused():
    refused(None, tls_args(ca=CERTS.other_ca), r"el certificado del servidor no está firmado "
            r"por una autoridad de confianza")
    refused(CERTS.expired, tls_args(), r"el certificado del servidor está vencido")
    refused(CERTS.wrong_name, tls_args(), r"el certificado del servidor es para otro nombre")
    # The system's trust store does not know the test CA either.
    refused(None, ["--tls", "--host", "localhost"], r"el certificado del servidor no está "
            r"firmado por una autoridad de confianza")


def plaintext_on_tls_port():
    # A login time limit far above the bounds below: the plaintext peer must be closed by the
    # failed handshake, not by the time limit.
    with Server(extra_args=CERTS.server_args() + ["--login-timeout", "120"]) as server:
        # A plaintext hello is not a TLS ClientHello: the handshake fails, the server closes.
        raw = RawClient(server.port)
        raw.sock.settimeout(60)
        start = time.monotonic()
        raw.send({"type": "hello", "id": 1, "version": 1})
        check(raw.recv() is None, "the plaintext peer got an answer")
        check(time.monotonic() - start < 60, "closed only after %.1f s"
              % (time.monotonic() - start))
        raw.close()
        # tcs-client without --tls: the connection is lost at once, no hang.
        t = Terminal(CLIENT, server.port)
        t.send(CUSTOMERS[0][0])
        t.send(CUSTOMER_PASSWORD)
        t.expect(r"Se perdió la conexión con el servidor|No se pudo")
        check(t.wait() != 0, "exit code")
        # And a TLS client still works.
        c = customer(server.port, args=tls_args())
        c.send("7")
        check(c.wait() == 0, "exit code")
    with Server(extra_args=CERTS.server_args() + ["--login-timeout", "3"]) as server:
        # A silent peer never finishes the handshake: closed at the login timeout, not before.
        silent = RawClient(server.port)
        silent.sock.settimeout(60)
        start = time.monotonic()
        check(silent.recv() is None, "the silent peer got an answer")
        took = time.monotonic() - start
        # (recv() also gives None when its own 60 s run out: that is a hang, not a close.)
        check(2.5 <= took < 59, "a silent peer closed after %.1f s (login timeout 3 s)" % took)
        silent.close()


def served_serial(port):
    ctx = ssl.create_default_context(cafile=CERTS.ca)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
            check(tls.version() in ("TLSv1.3", "TLSv1.2"), "version " + tls.version())
            return tls.getpeercert()["serialNumber"]


def reload_on_sighup():
    cert, key = CERTS.path("live.pem"), CERTS.path("live.key")
    shutil.copy(CERTS.server[0], cert)
    shutil.copy(CERTS.server[1], key)
    with Server(extra_args=CERTS.server_args((cert, key))) as server:
        before = served_serial(server.port)
        renewed = CERTS.issue("renewed", "DNS:localhost,IP:127.0.0.1")
        # A broken file is refused; the old certificate stays in use.
        with open(cert, "w") as f:
            f.write("not a certificate\n")
        server.proc.send_signal(signal.SIGHUP)
        server.out.wait_for(r"TLS certificate not reloaded, the previous one stays in use")
        check(served_serial(server.port) == before, "a broken reload changed the certificate")
        shutil.copy(renewed[0], cert)
        shutil.copy(renewed[1], key)
        server.proc.send_signal(signal.SIGHUP)
        server.out.wait_for(r"Certificado TLS recargado")
        after = served_serial(server.port)
        check(after != before, "the same certificate after the reload")
        c = customer(server.port, args=tls_args())
        c.send("7")
        check(c.wait() == 0, "exit code")


def old_protocols_refused():
    with Server(extra_args=CERTS.server_args()) as server:
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1, on purpose
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(CERTS.ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        try:
            ctx.set_ciphers("ALL:@SECLEVEL=0")
        except ssl.SSLError:
            pass
        with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
            try:
                ctx.wrap_socket(sock, server_hostname="localhost")
                fail("a TLS 1.1 handshake succeeded")
            except (ssl.SSLError, OSError):
                pass
        check(server.proc.poll() is None, "server died")


def pipelined_and_large_over_tls():
    """Thousands of pipelined requests, 400 KB of replies to a slow reader, and a frame of the
    maximum size, through one TLS connection: every reply arrives whole and in order."""
    with Server(extra_args=CERTS.server_args() + ["--max-outbound-bytes", str(8 << 20)]) \
            as server:
        ctx = ssl.create_default_context(cafile=CERTS.ca)
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
        raw = RawClient.__new__(RawClient)
        raw.sock, raw.buffer, raw.next_id = ctx.wrap_socket(sock, server_hostname="localhost"), \
            b"", 1
        raw.hello()
        check(raw.login_customer()["ok"], "login over TLS")
        first = raw.next_id
        count = 2000
        raw.send_bytes(b"".join(frame({"type": "ping" if i % 10 else "catalogue",
                                       "id": first + i}) for i in range(count)))
        raw.next_id = first + count
        time.sleep(1)  # let the replies pile up against the small receive buffer
        ids = []
        while len(ids) < count:
            message = raw.recv()
            check(message is not None, "connection lost after %d replies" % len(ids))
            if "ok" in message:
                check(message["ok"], "reply: %r" % message)
                ids.append(message["id"])
        check(ids == list(range(first, first + count)), "replies out of order or missing")
        raw.send_frame(b"x" * 65536)
        message = raw.recv()
        check(message and message["error"]["code"] == "invalid_json", "64 KiB frame: %r"
              % message)
        check(raw.request("ping")["ok"], "the connection still works")
        raw.close()


def start_refused(args):
    proc = subprocess.run([SERVER, "--port", str(free_port()), "--web-port", "0",
                           "--db", os.path.join(CERTS.dir, "x.db")] + args,
                          capture_output=True, text=True, timeout=30)
    return proc.returncode, proc.stderr


def secure_by_default():
    code, err = start_refused(["--host", "0.0.0.0"])
    check(code == 2 and "refusing to listen on 0.0.0.0 without TLS" in err,
          "0.0.0.0 without TLS: %d %s" % (code, err))
    code, err = start_refused(["--host", "0.0.0.0", "--tls-cert", CERTS.server[0]])
    check(code == 2 and "--tls-cert and --tls-key go together" in err, "cert alone: " + err)
    code, err = start_refused(["--tls-cert", CERTS.path("nope.pem"), "--tls-key",
                               CERTS.server[1]])
    check(code == 1 and "nope.pem" in err, "missing certificate: %d %s" % (code, err))
    code, err = start_refused(["--tls-cert", CERTS.server[0], "--tls-key",
                               CERTS.path("other-ca.key")])
    check(code == 1 and "other-ca.key" in err and "mismatch" in err,
          "mismatched key: %d %s" % (code, err))
    # With --allow-plaintext, or with TLS, 0.0.0.0 is served.
    for extra in (["--allow-plaintext"], CERTS.server_args()):
        with Server(extra_args=["--host", "0.0.0.0"] + extra) as server:
            check(server.proc.poll() is None, "server with %r died" % extra)


if __name__ == "__main__":
    run(secure_by_default)
    run(login_and_buy_over_tls)
    run(bad_certificates_refused)
    run(plaintext_on_tls_port)
    run(reload_on_sighup)
    run(old_protocols_refused)
    run(pipelined_and_large_over_tls)
    shutil.rmtree(CERTS.dir, ignore_errors=True)
