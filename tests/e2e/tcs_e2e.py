"""Shared harness for the end-to-end tests: a real tcs-server on a free port with a fresh
demo database, real tcs-client / tcs-exec processes driven through pipes, and a raw protocol
client for malformed input. Standard library only.

Binaries come from the environment (TCS_SERVER, TCS_CLIENT, TCS_EXEC, TCS_BENCH, set by CTest) or from
build/ at the top of the repository.
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

import ws_client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.environ.get("TCS_SERVER", os.path.join(ROOT, "build/server/tcs-server"))
CLIENT = os.environ.get("TCS_CLIENT", os.path.join(ROOT, "build/client/tcs-client"))
# tcs-bench, for its `accounts` subcommand (many accounts at once, with a cheap hash).
BENCH = os.environ.get("TCS_BENCH", os.path.join(ROOT, "build/bench/tcs-bench"))
EXEC = os.environ.get("TCS_EXEC", os.path.join(ROOT, "build/executive/tcs-exec"))

DEMO_SECRET = "JBSWY3DPEHPK3PXP"
CUSTOMERS = [
    ("ana.rojas@example.com", "Ana Rojas"),
    ("benjamin.soto@example.com", "Benjamín Soto"),
    ("camila.fuentes@example.com", "Camila Fuentes"),
    ("diego.morales@example.com", "Diego Morales"),
    ("elena.vargas@example.com", "Elena Vargas"),
    ("felipe.munoz@example.com", "Felipe Muñoz"),
    ("gabriela.contreras@example.com", "Gabriela Contreras"),
    ("hugo.pizarro@example.com", "Hugo Pizarro"),
]
EXECUTIVES = [
    ("valentina.reyes@example.com", "Valentina Reyes"),
    ("tomas.herrera@example.com", "Tomás Herrera"),
    ("isidora.navarro@example.com", "Isidora Navarro"),
    ("martin.lagos@example.com", "Martín Lagos"),
]
CUSTOMER_PASSWORD = "cliente123"
EXEC_PASSWORD = "ejecutivo123"

# A demo database made once per CTest run (fixture e2e.demo_template); without it each server
# loads the demo data itself.
DEMO_TEMPLATE = os.environ.get("TCS_E2E_DEMO_TEMPLATE")

TIMEOUT = float(os.environ.get("TCS_E2E_TIMEOUT", "20"))  # seconds to wait for any one output

# The transport RawClient speaks: "tcp" (length-prefixed frames on --port) or "ws" (one text
# frame per message on the web port's /ws). CTest runs the hostile-input and abusive-peer
# scenarios with each.
TRANSPORT = os.environ.get("TCS_E2E_TRANSPORT", "tcp")
# The web port of each running Server, by its TCP port (RawClient(server.port) finds it).
WEB_PORTS = {}


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def totp(offset_seconds=0):
    """The demo executives' current TOTP code (oathtool), optionally for another time step."""
    args = ["oathtool", "--totp", "-b", DEMO_SECRET]
    if offset_seconds:
        args += ["-N", "now + %d seconds" % offset_seconds]
    return subprocess.check_output(args, text=True).strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Output:
    """Collects a process's stdout lines in a thread; waits for patterns with a timeout."""

    def __init__(self, stream):
        self.text = ""
        self.lock = threading.Condition()
        self.closed = False
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def _pump(self, stream):
        while True:
            chunk = stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096)
            if not chunk:
                break
            with self.lock:
                self.text += chunk.decode("utf-8", errors="replace")
                self.lock.notify_all()
        with self.lock:
            self.closed = True
            self.lock.notify_all()

    def wait_for(self, pattern, start=0, timeout=TIMEOUT, count=1):
        """Waits until `pattern` (regex) occurs `count` times after offset `start`.
        Returns the end offset of the last match."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        with self.lock:
            while True:
                matches = list(regex.finditer(self.text, start))
                if len(matches) >= count:
                    return matches[count - 1].end()
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    raise AssertionError("timed out waiting for %r (x%d); output so far:\n%s"
                                         % (pattern, count, self.text[-3000:]))
                self.lock.wait(min(remaining, 0.2))

    def count(self, pattern):
        with self.lock:
            return len(re.findall(pattern, self.text))


class Server:
    """A tcs-server on a free port with a fresh database (demo data unless demo=False)."""

    def __init__(self, demo=True, extra_args=(), db=None, web=None):
        """`web`: serve the web port too (on a free port, self.web_port); by default when
        the tests run over WebSocket."""
        self.dir = tempfile.mkdtemp(prefix="tcs-e2e-")
        self.db = db or os.path.join(self.dir, "tcs.db")
        if demo and db is None and DEMO_TEMPLATE and os.path.exists(DEMO_TEMPLATE):
            # The same demo data, hashed once per test run (make_demo_template.py); --demo
            # below then finds the database full and loads nothing.
            shutil.copyfile(DEMO_TEMPLATE, self.db)
        self.port = free_port()
        self.web_port = free_port() if (web if web is not None else TRANSPORT == "ws") else 0
        WEB_PORTS[self.port] = self.web_port
        args = [SERVER, "--port", str(self.port), "--db", self.db,
                "--web-port", str(self.web_port)] + list(extra_args)
        # A lost connection ends its session at once, as the scenarios written before resume
        # expect when they kill a terminal; test_resume.py passes its own --resume-grace.
        if "--resume-grace" not in args:
            args += ["--resume-grace", "0"]
        # The satisfaction survey adds a question after every chat: only the tests that are
        # about it turn it on (--satisfaction-survey true).
        if not any(a.startswith("--satisfaction-survey") for a in extra_args):
            args += ["--satisfaction-survey", "false"]
        if demo:
            args.append("--demo")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = Output(self.proc.stdout)
        self.out.wait_for(r"Escuchando en", timeout=60)
        if self.web_port:
            self.out.wait_for(r"Web en", timeout=60)

    def stop(self, sig=None):
        if self.proc.poll() is None:
            if sig is None:
                self.proc.terminate()
            else:
                self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.thread.join(timeout=5)
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            print("--- server output ---\n" + self.out.text[-5000:], file=sys.stderr)
        self.cleanup()


class Terminal:
    """A tcs-client or tcs-exec process whose stdin is a pipe we write lines to."""

    def __init__(self, binary, port, args=()):
        self.proc = subprocess.Popen([binary, "--port", str(port)] + list(args),
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = Output(self.proc.stdout)
        self.mark = 0  # offset after the last awaited output

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode("utf-8"))
        self.proc.stdin.flush()

    def expect(self, pattern, timeout=TIMEOUT, count=1):
        """Waits for `pattern` after the previous expectation; advances past it."""
        self.mark = self.out.wait_for(pattern, self.mark, timeout, count)
        return self.mark

    def close_input(self):
        self.proc.stdin.close()

    def wait(self, timeout=TIMEOUT):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("process did not exit; output:\n" + self.out.text[-3000:])
        self.out.thread.join(timeout=5)
        return code

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def customer(port, email=CUSTOMERS[0][0], password=CUSTOMER_PASSWORD, args=()):
    """A tcs-client logged in and at the menu (`args`: more options, e.g. --tls)."""
    t = Terminal(CLIENT, port, args)
    t.expect(r"usuario: ")
    t.send(email)
    t.expect(r"contraseña: ")
    t.send(password)
    t.expect(r"¡Bienvenido \w+! ¿En qué te podemos ayudar\?")
    t.expect(r"Ingrese un número:")
    return t


def executive(port, email=EXECUTIVES[0][0], code=None, args=()):
    """A tcs-exec logged in and at its prompt (`args`: more options, e.g. --tls)."""
    t = Terminal(EXEC, port, args)
    t.expect(r"usuario: ")
    t.send(email)
    t.expect(r"contraseña: ")
    t.send(EXEC_PASSWORD)
    t.expect(r"código 2FA")
    t.send(code or totp())
    t.expect(r"Hola \w+, en este momento hay \d+ clientes? conectados?\.")
    return t


def frame(message):
    """A message (dict) or payload (bytes) as the bytes RawClient's transport sends for it."""
    payload = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    if TRANSPORT == "ws":
        return ws_client.text_frame(payload)
    return struct.pack(">I", len(payload)) + payload


class RawClient:
    """Speaks the wire protocol directly, for malformed and hostile input: over TCP, or over a
    WebSocket (WsClient) when the tests run with TRANSPORT "ws"; `port` is the server's TCP
    port either way."""

    def __new__(cls, port=None, *args, **kwargs):
        if cls is RawClient and TRANSPORT == "ws":
            cls = WsClient
        return object.__new__(cls)

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""
        self.next_id = 1

    def send_bytes(self, data):
        self.sock.sendall(data)

    def send_frame(self, payload):
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(payload)) + payload)

    def send(self, message):
        self.send_frame(json.dumps(message, ensure_ascii=False))

    def recv(self):
        """The next message, or None if the server closed the connection."""
        while True:
            if len(self.buffer) >= 4:
                (n,) = struct.unpack(">I", self.buffer[:4])
                if len(self.buffer) >= 4 + n:
                    payload = self.buffer[4:4 + n]
                    self.buffer = self.buffer[4 + n:]
                    return json.loads(payload.decode("utf-8"))
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                return None
            if not chunk:
                return None
            self.buffer += chunk

    def request(self, type_, **fields):
        """Sends a request and returns its reply (events received first are skipped)."""
        rid = self.next_id
        self.next_id += 1
        self.send(dict(type=type_, id=rid, **fields))
        while True:
            message = self.recv()
            if message is None or message.get("id") == rid:
                return message

    def hello(self):
        reply = self.request("hello", version=1, client="e2e")
        check(reply and reply["ok"], "hello failed: %r" % reply)
        return reply

    def login_customer(self, email=CUSTOMERS[0][0], password=CUSTOMER_PASSWORD):
        return self.request("login", role="customer", email=email, password=password)

    def close(self):
        self.sock.close()


class WsClient(RawClient):
    """The same over a WebSocket on the web port: one text frame per message."""

    def __init__(self, port, **options):
        self.ws = ws_client.WebSocket(WEB_PORTS[port], timeout=TIMEOUT, **options)
        self.sock = self.ws.sock
        self.next_id = 1
        self.close_code = None

    def send_frame(self, payload):
        self.ws.send_text(payload)

    def recv(self):
        """The next message, or None once the server closed (close_code says how)."""
        while True:
            got = self.ws.recv_message()
            if got is None or got[0] == ws_client.CLOSE:
                self.close_code = self.ws.close_code
                return None
            if got[0] == ws_client.TEXT:
                return json.loads(got[1].decode("utf-8"))

    def close(self):
        self.ws.close()


# CTest runs each scenario of a test file as its own test (tests/CMakeLists.txt reads the
# file's `run(NAME)` lines), so that they run in parallel and a failure names its scenario:
# TCS_E2E_ONLY=NAME runs that one scenario. A name that matches no scenario is a failure, not a
# silent pass.
ONLY = os.environ.get("TCS_E2E_ONLY")
_ran_only = []


def _check_only_ran():
    if ONLY and not _ran_only:
        print("FAIL: TCS_E2E_ONLY=%s names no scenario of %s" % (ONLY, sys.argv[0]),
              file=sys.stderr)
        os._exit(1)


if ONLY:
    import atexit
    atexit.register(_check_only_ran)


def run(test):
    """Runs a test function, printing a one-line verdict; exits non-zero on failure."""
    if ONLY and test.__name__ != ONLY:
        return
    _ran_only.append(test.__name__)
    try:
        test()
    except AssertionError as e:
        fail(str(e))
    print("ok: %s%s" % (test.__name__, " (WebSocket)" if TRANSPORT == "ws" else ""))
