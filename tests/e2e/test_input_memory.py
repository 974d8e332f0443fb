"""Issue 12, item 5: the memory of unfinished frames is bounded across all connections and
input buffers are given back after use. Bounds read from /proc/<pid>/status (VmRSS).

1. 2,000 connections each send 65,539 bytes of a 65,540-byte frame (the 4-byte header and
   a payload of the maximum 65,536 bytes) and wait: the server
   grows by at most its input budget (--max-input-bytes, default 32 MiB) plus a few KiB per
   connection, closing the connections that hold the most; once they close, it is back near
   where it started.
2. 2,000 logged-in sessions each send one 64 KiB request, get the reply, and go idle: a few
   KiB each, not the 64 KiB buffer."""
import select
import socket
import struct

from net_faults import (BULK_LOGIN_ARGS, Conn, bench_accounts, bench_email, log_in_many, raise_open_files,
                        settled_rss_kb)
from tcs_e2e import *

CONNECTIONS = 2000
PAYLOAD = 65536         # payload bytes announced by the header: the maximum
SENT = PAYLOAD - 1      # payload bytes actually sent: one short
BUDGET_MIB = 32         # the server's default --max-input-bytes
PER_CONNECTION_KIB = 10  # generous: a session, its socket and the loop's bookkeeping
SLACK_MIB = 8           # allocator and SQLite noise


def unfinished_frames():
    raise_open_files(CONNECTIONS + 500)
    with Server(demo=False, extra_args=BULK_LOGIN_ARGS) as server:
        pid = server.proc.pid
        base = settled_rss_kb(pid)
        partial = struct.pack(">I", PAYLOAD) + b"x" * SENT
        socks = []
        for _ in range(CONNECTIONS):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
            s.setblocking(False)
            try:
                s.send(partial)
            except (BlockingIOError, ConnectionResetError, BrokenPipeError):
                pass  # what does not fit waits in the kernel, or the server closed it already
            socks.append(s)
        loaded = settled_rss_kb(pid)
        growth_kib = loaded - base
        bound_kib = BUDGET_MIB * 1024 + CONNECTIONS * PER_CONNECTION_KIB + SLACK_MIB * 1024
        print("unfinished frames: RSS %d KiB -> %d KiB (+%d KiB for %d connections, bound %d)"
              % (base, loaded, growth_kib, CONNECTIONS, bound_kib))
        check(growth_kib <= bound_kib, "%d unfinished frames grew the server by %d KiB (bound %d)"
              % (CONNECTIONS, growth_kib, bound_kib))
        for s in socks:
            s.close()
        after = settled_rss_kb(pid)
        print("unfinished frames: RSS after they closed %d KiB" % after)
        check(after - base <= SLACK_MIB * 1024,
              "RSS did not come back after the connections closed: %d -> %d KiB" % (base, after))
        check(server.proc.poll() is None, "server died")


def idle_sessions_after_a_big_request():
    raise_open_files(CONNECTIONS + 500)
    with Server(demo=False, extra_args=BULK_LOGIN_ARGS) as server:
        pid = server.proc.pid
        bench_accounts(server.db, CONNECTIONS)
        base = settled_rss_kb(pid)
        conns = log_in_many(server.port, [bench_email(i) for i in range(1, CONNECTIONS + 1)])
        logged_in = settled_rss_kb(pid)
        # A ping padded with an unknown field to one full 64 KiB frame (65,536 payload bytes).
        envelope = len('{"type": "ping", "id": 3, "pad": ""}')
        pad = "p" * (65536 - envelope)
        window = 50
        for i in range(0, len(conns), window):
            group = conns[i:i + window]
            ids = [c.request("ping", pad=pad) for c in group]
            for c, rid in zip(group, ids):
                reply = c.wait_reply(rid)
                check(reply and reply["ok"], "big ping refused: %r" % reply)
        idle = settled_rss_kb(pid)
        each = (idle - base) * 1024 // CONNECTIONS
        print("idle sessions: RSS %d KiB empty, %d KiB logged in, %d KiB after one 64 KiB "
              "request each: %d bytes per session" % (base, logged_in, idle, each))
        check(each <= PER_CONNECTION_KIB * 1024,
              "an idle session that sent one 64 KiB request holds %d bytes" % each)
        for c in conns:
            c.close()


if __name__ == "__main__":
    run(unfinished_frames)
    run(idle_sessions_after_a_big_request)
