"""Issue 12, item 6: the console can neither kill nor freeze the server.

1. Standard output on a pipe whose reader exits: the next console line does not kill the
   server (SIGPIPE is ignored), and SIGHUP does not either.
2. Standard output on a pipe nobody reads: the server keeps answering requests; the lines
   that did not fit its console buffer are dropped and counted, and once the pipe is read
   again the count is reported."""
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time

from net_faults import BENCH_PASSWORD, bench_accounts, bench_email
from tcs_e2e import *

# Requests that each print one console line (a refused history.detail): ~80 bytes a line,
# several times the pipe (64 KiB) plus the server's console buffer (256 KiB).
NOISY_REQUESTS = 6000


class PipedServer:
    """A tcs-server whose standard output is a pipe this test reads (or not) by hand."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tcs-e2e-")
        self.db = os.path.join(self.dir, "tcs.db")
        self.port = free_port()
        self.read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen([SERVER, "--port", str(self.port), "--web-port", "0", "--db", self.db],
                                     stdout=write_fd, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        self.text = ""
        self.read_until(r"Escuchando en")
        # Accounts with a cheap hash: logins stay fast on a loaded machine.
        bench_accounts(self.db, 2)

    def read_until(self, pattern, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.text):
            left = deadline - time.monotonic()
            check(left > 0, "timed out waiting for %r; output:\n%s" % (pattern, self.text[-2000:]))
            r, _, _ = select.select([self.read_fd], [], [], left)
            if r:
                chunk = os.read(self.read_fd, 65536)
                check(chunk, "server output ended; output:\n" + self.text[-2000:])
                self.text += chunk.decode("utf-8", errors="replace")

    def read_while_flowing(self, quiet_s=0.5):
        """Reads until nothing arrived for `quiet_s` (bounded by TIMEOUT)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.read_fd], [], [], quiet_s)
            if not r:
                return
            chunk = os.read(self.read_fd, 65536)
            if not chunk:
                return
            self.text += chunk.decode("utf-8", errors="replace")

    def close_reader(self):
        if self.read_fd is not None:
            os.close(self.read_fd)
            self.read_fd = None

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close_reader()
        shutil.rmtree(self.dir, ignore_errors=True)


def answers(port):
    """A fresh connection gets its hello and ping answered."""
    raw = RawClient(port)
    raw.hello()
    reply = raw.request("ping")
    raw.close()
    return reply is not None and reply["ok"]


def reader_exits():
    server = PipedServer()
    try:
        server.close_reader()
        raw = RawClient(server.port)
        raw.hello()
        reply = raw.login_customer(bench_email(1), BENCH_PASSWORD)  # prints "Cliente ... conectado."
        check(reply is not None and reply["ok"],
              "no login reply: the server died writing to a closed pipe (status %s)"
              % server.proc.poll())
        reply = raw.request("history.detail", operation_id=999999)  # and one more line
        check(reply is not None, "no reply after the console reader went away")
        raw.close()
        time.sleep(0.5)
        check(server.proc.poll() is None,
              "the server died writing to a closed pipe (status %s)" % server.proc.returncode)
        check(answers(server.port), "the server stopped answering")
        server.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        check(server.proc.poll() is None, "SIGHUP killed the server (status %s)"
              % server.proc.returncode)
        check(answers(server.port), "the server stopped answering after SIGHUP")
        server.proc.send_signal(signal.SIGTERM)
        check(server.proc.wait(timeout=TIMEOUT) == 0, "exit status after SIGTERM")
    finally:
        server.cleanup()


def reader_stops():
    server = PipedServer()
    try:
        raw = RawClient(server.port)
        raw.hello()
        reply = raw.login_customer(bench_email(1), BENCH_PASSWORD)
        check(reply is not None and reply["ok"], "login: %r" % reply)
        batch = 200
        for start in range(0, NOISY_REQUESTS, batch):
            ids = []
            for _ in range(batch):
                ids.append(raw.next_id)
                raw.send(dict(type="history.detail", id=raw.next_id, operation_id=999999))
                raw.next_id += 1
            for rid in ids:
                m = raw.recv()
                while m is not None and m.get("id") is None:
                    m = raw.recv()
                check(m is not None and m.get("id") == rid,
                      "no reply to request %d of %d while the console is not read"
                      % (start, NOISY_REQUESTS))
        check(answers(server.port), "a new connection is not answered")
        raw.close()
        # Reading again: what was kept arrives; the next line is preceded by the count of
        # what was dropped.
        server.read_while_flowing()
        other = RawClient(server.port)
        other.hello()
        reply = other.login_customer(bench_email(2), BENCH_PASSWORD)
        check(reply is not None and reply["ok"], "login after the flood: %r" % reply)
        other.close()
        server.read_until(r"\[ERROR\] console: \d+ lines dropped")
        dropped = int(re.search(r"console: (\d+) lines dropped", server.text).group(1))
        print("console not read for %d lines: %d dropped" % (NOISY_REQUESTS, dropped))
        check(dropped > 0, "nothing dropped")
        server.proc.send_signal(signal.SIGTERM)
        server.read_until(r"Servidor detenido\.")
        check(server.proc.wait(timeout=TIMEOUT) == 0, "exit status after SIGTERM")
    finally:
        server.cleanup()


if __name__ == "__main__":
    run(reader_exits)
    run(reader_stops)
