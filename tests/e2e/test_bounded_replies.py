#!/usr/bin/env python3
"""Issue 12, item 2: no reply may exceed the 64 KiB frame.

The catalogue poisoned as found (260 cards whose 100-byte names are all quotes, bought and
published, so listed) and one customer with 900 purchases and returns (a history of ~75 KB as
one reply) are written into a fresh database with sqlite3 before the server starts: the same
rows 260 rounds of `:buy` + `:publish` and the purchases over the wire would leave, in a
fraction of the time. Then a customer and an executive still get the whole catalogue, the
history and the executive's `:operations`, page by page, each reply within the frame, also
after a restart; and the terminals (tcs-client menu [3] and [2], tcs-exec `:catalogue` and
`:operations`) show every item.

Before the fix the server could not encode the `catalogue` and `history` replies and closed the
connection, with no reply (measured: 67,700 bytes of products, ~75 KB of history).
"""
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcs_e2e import (CUSTOMERS, EXECUTIVES, EXEC_PASSWORD, RawClient, Server, check, customer,  # noqa: E402
                     executive, run, totp)

ANA = CUSTOMERS[0][0]
MAX_FRAME = 65536
CARDS = 260
OPERATIONS = 900  # every other one returned; ~75 KB as one history reply


def poisoned_name(i):
    return '"' * 97 + "%03d" % i  # 100 bytes, 197 once JSON-escaped


def poison(db_path):
    """The rows the attack leaves: listed cards with quote names, and a long history."""
    db = sqlite3.connect(db_path)
    now = int(db.execute("SELECT max(created_at) FROM operations").fetchone()[0])
    ana = db.execute("SELECT id FROM customers WHERE email = ?", (ANA,)).fetchone()[0]
    for i in range(CARDS):
        db.execute("INSERT INTO products (name, kind, price, stock, held, listed) "
                   "VALUES (?, 'card', ?, 1, 0, 1)", (poisoned_name(i), 1000 + i))
    first = db.execute("SELECT id FROM products WHERE name = ?", (poisoned_name(0),)).fetchone()[0]
    for i in range(OPERATIONS):
        at = now - 60 * i
        state = "returned" if i % 2 else "paid"
        cur = db.execute("INSERT INTO operations (customer_id, kind, state, created_at) "
                         "VALUES (?, 'purchase', ?, ?)", (ana, state, at))
        op = cur.lastrowid
        db.execute("INSERT INTO operation_lines (operation_id, product_id, quantity, unit_price) "
                   "VALUES (?, ?, 1, 1000)", (op, first + i % CARDS))
        db.execute("INSERT INTO operation_events (operation_id, state, at, actor) "
                   "VALUES (?, 'paid', ?, 'Ana Rojas')", (op, at))
        if state == "returned":
            db.execute("INSERT INTO operation_events (operation_id, state, at, actor) "
                       "VALUES (?, 'returned', ?, 'Ana Rojas')", (op, at + 1))
    db.commit()
    counts = {
        "customer": db.execute("SELECT count(*) FROM products WHERE listed = 1").fetchone()[0],
        "executive": db.execute("SELECT count(*) FROM products").fetchone()[0],
        "operations": db.execute("SELECT count(*) FROM operations WHERE customer_id = ?",
                                 (ana,)).fetchone()[0],
        # history: the last 365 days (the server's clock is this machine's)
        "history": db.execute("SELECT count(*) FROM operations WHERE customer_id = ? AND "
                              "created_at >= ?", (ana, int(time.time()) + 60 - 365 * 86400))
                     .fetchone()[0],
    }
    db.close()
    return counts


class Frames(RawClient):
    """A raw client that also tells the size of the reply's frame."""

    def request_sized(self, type_, **fields):
        rid = self.next_id
        self.next_id += 1
        self.send(dict(type=type_, id=rid, **fields))
        while True:
            while len(self.buffer) < 4:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None, 0
                self.buffer += chunk
            size = int.from_bytes(self.buffer[:4], "big")
            message = self.recv()
            if message is None or message.get("id") == rid:
                return message, size


def every_page(client, type_, key, **fields):
    """The items of every page of a list (following `next`); each reply within the frame."""
    items, after, pages = [], None, 0
    while True:
        extra = dict(fields)
        if after is not None:
            extra["after"] = after
        reply, size = client.request_sized(type_, **extra)
        check(reply is not None, "%s: the server closed the connection (page %d)" % (type_, pages))
        check(reply.get("ok"), "%s: %r" % (type_, reply))
        check(size <= MAX_FRAME, "%s: a reply of %d bytes" % (type_, size))
        items += reply[key]
        pages += 1
        if "next" not in reply:
            check(len(items) == reply["total"], "%s: %d items of %d" % (type_, len(items),
                                                                      reply["total"]))
            return items, pages
        after = reply["next"]


def raw_login(port, role, email):
    c = Frames(port)
    c.hello()
    fields = dict(role=role, email=email,
                  password="cliente123" if role == "customer" else EXEC_PASSWORD)
    if role == "executive":
        fields["totp"] = totp()
    reply = c.request("login", **fields)
    check(reply and reply["ok"], "login %s: %r" % (email, reply))
    return c


def check_lists(server, counts, executive_email):
    """A customer and an executive read every list whole, page by page. (Each run logs in
    another executive: a TOTP code is accepted once per executive.)"""
    ana = raw_login(server.port, "customer", ANA)
    products, pages = every_page(ana, "catalogue", "products")
    check(len(products) == counts["customer"] and pages > 1,
          "customer catalogue: %d products in %d pages" % (len(products), pages))
    names = {p["name"] for p in products}
    check(all(poisoned_name(i) in names for i in range(CARDS)), "a poisoned card is missing")
    history, pages = every_page(ana, "history", "operations")
    check(len(history) == counts["history"] and len({o["id"] for o in history}) == len(history),
          "history: %d operations (%d distinct) of %d" % (len(history),
                                                         len({o["id"] for o in history}),
                                                         counts["history"]))
    returnable, _ = every_page(ana, "returnable", "operations")
    check(len(returnable) > OPERATIONS // 2, "returnable: %d" % len(returnable))

    val = raw_login(server.port, "executive", executive_email)
    products, _ = every_page(val, "catalogue", "products")
    check(len(products) == counts["executive"], "executive catalogue: %d" % len(products))
    check(ana.request("queue.join")["ok"], "queue.join")
    check(val.request("connect")["ok"], "connect")
    operations, _ = every_page(val, "customer.operations", "operations")
    check(len(operations) == counts["operations"], "operations: %d" % len(operations))
    activity, _ = every_page(val, "customer.activity", "entries")
    check(len(activity) >= 3, "activity: %d" % len(activity))
    check(val.request("chat.end")["ok"], "chat.end")
    for c in (ana, val):
        c.request("logout")
        c.close()
    print("  customer and executive: %d/%d products, %d operations, each reply <= %d bytes"
          % (counts["customer"], counts["executive"], counts["operations"], MAX_FRAME))


OPERATION = r"\n\[\d+\] (?:compra|venta) \("  # the heading of one operation's details


def terminals_show_everything(server, counts):
    # tcs-client: menu [3] lists every product, menu [2] every operation.
    t = customer(server.port)
    t.send("3")
    t.expect(r"Catálogo de productos:")
    start = t.mark
    # Products are listed under their own ids: count the rows up to the cart's question.
    end = t.expect(r"¿Qué desea hacer\?", timeout=30)
    text = t.out.text[start:end]
    rows = len(re.findall(r"(?m)^\[\d+\] ", text))
    check(rows == counts["customer"], "tcs-client listed %d of %d products"
          % (rows, counts["customer"]))
    shown = [i for i in range(CARDS) if poisoned_name(i) in text]
    check(len(shown) == CARDS, "tcs-client showed %d of %d poisoned cards" % (len(shown), CARDS))
    t.expect(r"Ingrese un número:")
    t.send("0")
    t.expect(r"Ingrese un número:")
    t.send("2")
    start = t.expect(r"Sus operaciones de los últimos 12 meses:")
    # Operations are listed under their own numbers: count the entries up to the question.
    end = t.expect(r"¿Desea ver más detalles de alguna\? Ingrese su número de operación "
                   r"\(0 = No\)", timeout=30)
    listed = len(re.findall(r"(?m)^\[\d+\] (?:compra|venta) \(", t.out.text[start:end]))
    check(listed == counts["history"], "tcs-client listed %d of %d operations"
          % (listed, counts["history"]))
    t.send("0")
    t.expect(r"Ingrese un número:")
    t.send("6")  # wait for an executive, for :operations
    t.expect(r"cola de espera")

    # tcs-exec: :catalogue lists every product; :operations every operation, to both.
    e = executive(server.port, EXECUTIVES[1][0])
    e.send(":catalogue")
    e.expect(r"Catálogo:")
    start = e.mark
    e.expect(poisoned_name(CARDS - 1), timeout=30)  # quotes sort first: the last of them
    text = e.out.text[start:]
    shown = [i for i in range(CARDS) if poisoned_name(i) in text]
    check(len(shown) == CARDS, "tcs-exec showed %d of %d poisoned cards" % (len(shown), CARDS))
    e.send(":connect")
    e.expect(r"Conectado con Ana Rojas")
    t.expect(r"Lo atiende")
    e_start, t_start = e.mark, t.mark
    e.send(":operations")
    # Every operation, each once, on both terminals.
    e.out.wait_for(OPERATION, e_start, timeout=30, count=counts["operations"])
    t.out.wait_for(OPERATION, t_start, timeout=30, count=counts["operations"])
    for term, name in ((e, "tcs-exec"), (t, "tcs-client")):
        text = term.out.text[e_start if term is e else t_start:]
        ids = re.findall(OPERATION.replace(r"\[\d+\]", r"\[(\d+)\]"), text)
        check(len(ids) == counts["operations"] and len(set(ids)) == len(ids),
              "%s: :operations showed %d operations (%d distinct) of %d"
              % (name, len(ids), len(set(ids)), counts["operations"]))
    for term in (e, t):
        term.kill()
    print("  tcs-client and tcs-exec showed all %d poisoned cards and %d operations"
          % (CARDS, counts["operations"]))


def poisoned_catalogue_and_history():
    """Poisoned lists come in pages to raw clients and terminals, also after a restart."""
    home = tempfile.mkdtemp(prefix="tcs-e2e-bounded-")
    db_path = os.path.join(home, "tcs.db")
    try:
        with Server(db=db_path) as server:  # a fresh database with the demo data
            pass
        counts = poison(db_path)
        with Server(demo=False, db=db_path) as server:
            check_lists(server, counts, EXECUTIVES[0][0])
            terminals_show_everything(server, counts)
        with Server(demo=False, db=db_path) as server:  # the same after a restart
            check_lists(server, counts, EXECUTIVES[2][0])
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    run(poisoned_catalogue_and_history)
