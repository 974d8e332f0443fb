"""Helpers for the network-hardening tests (issue 12: heartbeats, input memory, console,
descriptors, shutdown): many raw connections driven by one select loop, bulk accounts, and
memory read from /proc. Standard library only; not a test itself (no test_ prefix)."""
import json
import resource
import select
import socket
import struct
import subprocess
import time

from tcs_e2e import BENCH, SERVER, TIMEOUT, check

BENCH_PASSWORD = "bench-password"
BENCH_PRODUCT = "Carta de benchmark"


def raise_open_files(wanted):
    """Lifts this process's soft RLIMIT_NOFILE to `wanted` (at most the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def bench_accounts(db, customers, prefix="bench", product_stock=None):
    """Creates customers <prefix>-c00001@example.com ... (cheap password hash) in `db`, and
    with `product_stock` the product BENCH_PRODUCT with that stock."""
    args = [BENCH, "accounts", "--db", db, "--customers", str(customers),
            "--executives", "0", "--prefix", prefix, "--insecure-fast-hash"]
    if product_stock is not None:
        args += ["--product-stock", str(product_stock)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    check(done.returncode == 0, "tcs-bench accounts failed: " + done.stderr)


# Flags for a server that many test clients log in to at once from 127.0.0.1: the per-address
# limits of the hashing queue and of login turns would otherwise answer them `busy`.
BULK_LOGIN_ARGS = ["--hash-queue-per-address", "1000000", "--address-slow-after", "1000000"]


def bench_email(i, prefix="bench"):
    return "%s-c%05d@example.com" % (prefix, i)


def rss_kb(pid):
    """VmRSS of a process, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def settled_rss_kb(pid, seconds=1.0):
    """VmRSS once it stopped changing by more than 1 MiB over `seconds` (bounded wait)."""
    last = rss_kb(pid)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(seconds)
        now = rss_kb(pid)
        if abs(now - last) < 1024:
            return now
        last = now
    return last


def readable(socks, timeout):
    """The sockets of `socks` ready to read within `timeout` seconds (poll: any fd number)."""
    poller = select.poll()
    by_fd = {}
    for s in socks:
        by_fd[s.fileno()] = s
        poller.register(s, select.POLLIN | select.POLLHUP | select.POLLERR)
    events = poller.poll(max(0, timeout) * 1000)
    return [by_fd[fd] for fd, _ in events]


def frame(message):
    payload = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return struct.pack(">I", len(payload)) + payload


class Conn:
    """One raw connection with a frame buffer; driven by Swarm."""

    def __init__(self, port, timeout=TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.messages = []
        self.closed = False
        self.next_id = 1

    def send(self, message):
        self.sock.sendall(frame(message))

    def request(self, type_, **fields):
        rid = self.next_id
        self.next_id += 1
        self.send(dict(type=type_, id=rid, **fields))
        return rid

    def feed(self):
        """Reads what is waiting; returns the complete messages. Marks EOF or reset."""
        try:
            chunk = self.sock.recv(65536)
        except (BlockingIOError, socket.timeout):
            return []
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return []
        self.buffer += chunk
        out = []
        while len(self.buffer) >= 4:
            (n,) = struct.unpack(">I", self.buffer[:4])
            if len(self.buffer) < 4 + n:
                break
            out.append(json.loads(self.buffer[4:4 + n].decode("utf-8")))
            self.buffer = self.buffer[4 + n:]
        self.messages.extend(out)
        return out

    def wait_reply(self, rid, timeout=TIMEOUT):
        """Blocks for the reply with id `rid`; None if the connection closed first."""
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.messages):
                if m.get("id") == rid:
                    return self.messages.pop(i)
            if self.closed:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no reply to request %d; got %r" % (rid, self.messages))
            if readable([self.sock], left):
                self.feed()

    def login(self, email, password=BENCH_PASSWORD):
        self.wait_reply(self.request("hello", version=1, client="e2e-net"))
        reply = self.wait_reply(self.request("login", role="customer", email=email,
                                             password=password))
        check(reply and reply["ok"], "login of %s failed: %r" % (email, reply))

    def product_id(self, name=BENCH_PRODUCT):
        reply = self.wait_reply(self.request("catalogue"))
        for p in reply["products"]:
            if p["name"] == name:
                return p["id"]
        raise AssertionError("no product %r in %r" % (name, reply))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def log_in_many(port, emails, window=8):
    """Connections logged in as each of `emails`, at most `window` logins in flight."""
    conns = []
    pending = {}
    todo = list(emails)
    while todo or pending:
        while todo and len(pending) < window:
            c = Conn(port)
            c.request("hello", version=1, client="e2e-net")
            c.request("login", role="customer", email=todo.pop(0), password=BENCH_PASSWORD)
            pending[c] = True
            conns.append(c)
        ready = readable([c.sock for c in pending], TIMEOUT)
        check(ready, "logins stalled")
        for c in list(pending):
            if c.sock in ready:
                c.feed()
                check(not c.closed, "connection closed during login")
                replies = [m for m in c.messages if "id" in m]
                if len(replies) >= 2:
                    check(all(m["ok"] for m in replies), "login failed: %r" % replies)
                    c.messages = [m for m in c.messages if "id" not in m]
                    pending.pop(c)
    return conns
