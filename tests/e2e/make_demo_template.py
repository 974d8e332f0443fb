"""CTest fixture e2e.demo_template: makes the demo database once per test run.

`tcs-server --demo` hashes every demo password with Argon2id (about 2 s of CPU); most e2e
scenarios start a server on demo data, so each copies this file instead
(tcs_e2e.Server, TCS_E2E_DEMO_TEMPLATE) and the server finds its data already there. Usage:
make_demo_template.py OUTPUT. The server binary comes from TCS_SERVER, as in the tests.
"""
import os
import sqlite3
import sys
import tempfile

from tcs_e2e import RawClient, Server, check

if __name__ == "__main__":
    check(len(sys.argv) == 2, "usage: make_demo_template.py OUTPUT")
    output = sys.argv[1]
    if os.path.exists(output):
        os.remove(output)  # never leave an old one for the tests if this run fails
    with Server() as server:
        check(server.out.wait_for(r"Datos de demostración cargados", timeout=60) >= 0,
              "the server did not load the demo data")
        # A reply means the loop runs, so SIGTERM finds its handler installed ("Escuchando"
        # is printed before it is).
        guest = RawClient(server.port)
        guest.hello()
        guest.close()
        check(server.stop() == 0, "the server did not exit cleanly")
        # A consistent single-file copy, whatever is still in the write-ahead log.
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(output)))
        os.close(fd)
        with sqlite3.connect(server.db) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
            customers = dst.execute("select count(*) from customers").fetchone()[0]
        check(customers > 0, "the demo database has no customers")
        os.replace(tmp, output)
    print("ok: demo template %s (%d customers)" % (output, customers))
