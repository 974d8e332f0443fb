"""Issue 12, item 8: on SIGTERM the server stops reading new requests, answers the ones in
flight, drops queued password hashing, and exits within its grace period.

Eight customers buy as fast as they can while hundreds of logins wait for hashing; SIGTERM
comes in the middle. Afterwards every purchase the database holds was acknowledged to its
customer, and the server was gone well within the grace period (5 s) plus a generous margin."""
import signal
import sqlite3
import time

from net_faults import (BULK_LOGIN_ARGS, Conn, bench_accounts, bench_email, log_in_many, raise_open_files,
                        readable)
from tcs_e2e import *

BUYERS = 8
QUEUED_LOGINS = 600    # Argon2id verifications of 50-100 ms on 2 threads: 15-30 s of work
GRACE_S = 5            # the server's shutdown grace (main.cpp)
MARGIN_S = 10          # generous: a loaded CI machine
BURST_S = 1.5


def acknowledged_before_exit():
    raise_open_files(QUEUED_LOGINS + 200)
    # The hashing queue's bounds lifted, so that the 600 logins really wait in it.
    with Server(demo=False, extra_args=BULK_LOGIN_ARGS + ["--hash-queue", "1000000"]) as server:
        bench_accounts(server.db, BUYERS, product_stock=1000000)
        buyers = log_in_many(server.port, [bench_email(i) for i in range(1, BUYERS + 1)])
        card = buyers[0].product_id()

        # Logins that will sit in the hashing queue (unknown emails cost a verification too).
        waiting = []
        for i in range(QUEUED_LOGINS):
            c = Conn(server.port)
            c.request("hello", version=1, client="e2e-net")
            c.request("login", role="customer", email="nadie%d@example.com" % i,
                      password="incorrecta%d" % i)
            waiting.append(c)

        acked = set()
        in_flight = {}
        for c in buyers:
            in_flight[c] = c.request("purchase", lines=[{"product_id": card, "quantity": 1}])
        by_sock = {c.sock: c for c in buyers}
        shutdown_events = 0
        start = time.monotonic()
        sent_term = None
        while any(not c.closed for c in buyers):
            if sent_term is None and time.monotonic() - start >= BURST_S:
                server.proc.send_signal(signal.SIGTERM)
                sent_term = time.monotonic()
            check(time.monotonic() - start < BURST_S + 60, "the customers were never closed")
            ready = readable([c.sock for c in buyers if not c.closed], 0.2)
            for s in ready:
                c = by_sock[s]
                for m in c.feed():
                    if m.get("type") == "shutdown":
                        shutdown_events += 1
                    elif m.get("id") == in_flight.get(c):
                        check(m["ok"], "purchase refused: %r" % m)
                        acked.add(m["operation_id"])
                        if sent_term is None:
                            in_flight[c] = c.request(
                                "purchase", lines=[{"product_id": card, "quantity": 1}])
                        else:
                            in_flight.pop(c)
                c.messages.clear()
        try:
            server.proc.wait(timeout=GRACE_S + MARGIN_S + 30)
        except subprocess.TimeoutExpired:
            pass
        exit_s = time.monotonic() - sent_term
        for c in waiting + buyers:
            c.close()
        db = sqlite3.connect(server.db)
        committed = {row[0] for row in db.execute(
            "SELECT o.id FROM operations o JOIN customers c ON c.id = o.customer_id "
            "WHERE o.kind = 'purchase' AND c.email LIKE 'bench-c%'")}
        db.close()
        unacked = committed - acked
        print("SIGTERM after %d acknowledged purchases; exit %.1f s after it (exit status %s)"
              % (len(acked), exit_s, server.proc.returncode))
        print("%d purchases committed, %d acknowledged, %d committed but never acknowledged"
              % (len(committed), len(acked), len(unacked)))
        check(acked <= committed, "acknowledged purchases missing from the database: %r"
              % sorted(acked - committed))
        check(not unacked, "committed purchases never acknowledged: %r" % sorted(unacked))
        check(len(committed) >= BUYERS, "too few purchases to test anything")
        check(server.proc.returncode == 0, "exit status %s" % server.proc.returncode)
        check(exit_s <= GRACE_S + MARGIN_S, "exit took %.1f s with %d logins queued"
              % (exit_s, QUEUED_LOGINS))
        check(shutdown_events == BUYERS, "%d of %d customers got the shutdown event"
              % (shutdown_events, BUYERS))


def sigterm_right_after_listening():
    """A SIGTERM sent the moment the server says it listens (as a script or systemd after
    READY would) is a clean stop with exit status 0, not the signal's default death: the
    signals are caught before the ports open."""
    for attempt in range(5):
        server = Server(demo=False)
        try:
            code = server.stop()
            check(code == 0, "attempt %d: exit status %s" % (attempt, code))
            check("Apagando el servidor." in server.out.text,
                  "attempt %d: no clean shutdown:\n%s" % (attempt, server.out.text))
        finally:
            server.cleanup()


if __name__ == "__main__":
    run(acknowledged_before_exit)
    run(sigterm_right_after_listening)
