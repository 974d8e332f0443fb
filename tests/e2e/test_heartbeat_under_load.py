"""Issue 12, item 1: live idle clients are not dropped as dead.

At --idle-timeout 1, with CPU hogs running beside the server, raw clients that answer every
heartbeat and real tcs-client terminals waiting in the support queue stay connected for more
than 20 periods; a logged-in client that never answers is closed after a heartbeat. Counts,
not timings: every bound is generous."""
import select
import subprocess
import sys
import threading
import time

from net_faults import BENCH_PASSWORD, BULK_LOGIN_ARGS, Conn, bench_accounts, bench_email, log_in_many
from tcs_e2e import *

IDLE_S = 1
PERIODS = 22          # how long the live clients must survive, in idle periods
ANSWERING = 30        # raw clients that answer heartbeats
HOGS = 3              # busy-loop processes beside the server (the machine has 2 cores)


class Answerer(threading.Thread):
    """Answers every heartbeat at once (ping) on its connections, from the moment it starts;
    notes which heartbeats the silent connection got and which connections were closed."""

    def __init__(self, conns, silent):
        super().__init__(daemon=True)
        self.conns = conns
        self.silent = silent
        self.heartbeats = 0
        self.silent_heartbeat = False
        self.halt = threading.Event()

    def run(self):
        socks = {c.sock: c for c in self.conns + [self.silent]}
        while not self.halt.is_set():
            open_socks = [s for s, c in socks.items() if not c.closed]
            if not open_socks:
                return
            ready, _, _ = select.select(open_socks, [], [], 0.2)
            for s in ready:
                c = socks[s]
                for m in c.feed():
                    if m.get("type") != "heartbeat":
                        continue
                    if c is self.silent:
                        self.silent_heartbeat = True
                    else:
                        self.heartbeats += 1
                        c.request("ping")
                c.messages.clear()


def heartbeats_under_load():
    with Server(demo=False, extra_args=BULK_LOGIN_ARGS + ["--idle-timeout", str(IDLE_S)]) as server:
        bench_accounts(server.db, ANSWERING + 3)
        answering = log_in_many(server.port, [bench_email(i) for i in range(1, ANSWERING + 1)])
        silent = Conn(server.port)
        silent.login(bench_email(ANSWERING + 1))
        answerer = Answerer(answering, silent)
        answerer.start()

        terminals = []
        for i in (ANSWERING + 2, ANSWERING + 3):
            t = Terminal(CLIENT, server.port)
            t.expect(r"usuario: ")
            t.send(bench_email(i))
            t.expect(r"contraseña: ")
            t.send(BENCH_PASSWORD)
            t.expect(r"¡Bienvenido [^!]+! ¿En qué te podemos ayudar\?")
            t.expect(r"Ingrese un número:")
            t.send("6")
            t.expect(r"Está en la cola de espera, posición \d\.")
            terminals.append(t)

        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(HOGS)]
        try:
            time.sleep(PERIODS * IDLE_S)
        finally:
            for h in hogs:
                h.kill()
                h.wait()
        answerer.halt.set()
        answerer.join(timeout=TIMEOUT)
        dropped = [c for c in answering if c.closed]
        print("%d answering clients, %d heartbeats answered, %d dropped; silent one closed: %s"
              % (len(answering), answerer.heartbeats, len(dropped), silent.closed))
        check(not dropped, "%d of %d clients that answered every heartbeat were dropped"
              % (len(dropped), len(answering)))
        for t in terminals:
            check(t.proc.poll() is None and "Se perdió la conexión" not in t.out.text,
                  "an idle tcs-client in the queue lost its connection:\n" + t.out.text)
        check(answerer.heartbeats >= ANSWERING * PERIODS // 4,
              "the answering clients got only %d heartbeats" % answerer.heartbeats)
        check(silent.closed and answerer.silent_heartbeat,
              "the silent client was not closed after a heartbeat (closed=%s, heartbeat=%s)"
              % (silent.closed, answerer.silent_heartbeat))
        check(server.out.count(r"no answer to heartbeat") == 1,
              "only the silent client may be dropped:\n" + server.out.text[-3000:])
        for t in terminals:
            t.kill()
        for c in answering:
            c.close()


if __name__ == "__main__":
    run(heartbeats_under_load)
