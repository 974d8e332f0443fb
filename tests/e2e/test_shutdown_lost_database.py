"""SIGTERM ends the server even when its database files were deleted while it ran.

scripts/demo used to leave its server running when it failed (the server ignores the SIGHUP of
its closed terminal) and then removed its temporary folder, database and WAL included. The
server's open descriptors kept working, but from then on every WAL sync failed (the WAL's path
was gone), and the group commit's lazy sync, armed by the next write (the logout of a session
whose hold ended), armed itself again 100 ms after each failure, for ever. SIGTERM closed the
ports and the sessions, but that timer kept the loop running: the process never exited.

Here: a customer logs in, the database's folder is removed, the customer logs out (a write
that is never synced), and SIGTERM must end the server within its grace (5 s) plus a margin."""
import shutil
import signal
import time

from tcs_e2e import *

GRACE_S = 5   # the server's shutdown grace (main.cpp)
MARGIN_S = 10  # generous: a loaded CI machine


def exits_with_database_removed():
    with Server() as server:
        c = RawClient(server.port)
        c.hello()
        reply = c.login_customer()
        check(reply and reply["ok"], "login failed: %r" % reply)
        time.sleep(0.5)  # the login's writes synced while the files were there
        shutil.rmtree(server.dir)
        reply = c.request("logout")
        check(reply and reply["ok"], "logout failed: %r" % reply)
        c.close()
        time.sleep(1)  # the lazy sync fails, and is tried again, several times
        check(server.proc.poll() is None, "the server died when its files were removed")
        server.proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        try:
            code = server.proc.wait(timeout=GRACE_S + MARGIN_S)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()
            fail("the server did not exit within %d s of SIGTERM (its database removed); "
                 "output:\n%s" % (GRACE_S + MARGIN_S, server.out.text[-2000:]))
        print("exit %.1f s after SIGTERM, status %d" % (time.monotonic() - sent, code))
        check(code == 0, "exit status %d after SIGTERM" % code)
        server.out.thread.join(timeout=5)
        check("Servidor detenido." in server.out.text,
              "no \"Servidor detenido.\" line:\n" + server.out.text[-2000:])


if __name__ == "__main__":
    run(exits_with_database_removed)
