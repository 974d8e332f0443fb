"""Slow and malicious peers: slowloris, a reader that never reads while an executive floods it,
connections up to the limit, 10,000 pipelined requests, a slow reader of 2 MB of replies, invalid UTF-8 in chat text and card
names, SQL metacharacters in every string field. After each attack the server is alive, a
normal customer and executive still work, and the demo data is intact."""
import sqlite3

from tcs_e2e import *

ANA, BENJAMIN, CAMILA = CUSTOMERS[0][0], CUSTOMERS[1][0], CUSTOMERS[2][0]
VALENTINA, TOMAS, ISIDORA, MARTIN = (e for e, _ in EXECUTIVES)

RSS_LIMIT_KB = 200 * 1024  # the server's resident memory must stay below this under attack


def error_code(message):
    return message and not message.get("ok", True) and message["error"]["code"]


def next_reply(raw):
    """The next reply (a message with `ok`), skipping events; None if the connection closed."""
    while True:
        message = raw.recv()
        if message is None or "ok" in message:
            return message


def next_event(raw, type_):
    """The next message of `type_`, skipping everything else; None if the connection closed."""
    while True:
        message = raw.recv()
        if message is None or message.get("type") == type_:
            return message


def raw_customer(port, email=ANA):
    raw = RawClient(port)
    raw.hello()
    reply = raw.login_customer(email)
    check(reply and reply["ok"], "customer login %s: %r" % (email, reply))
    return raw


def raw_executive(port, email=VALENTINA):
    raw = RawClient(port)
    raw.hello()
    reply = raw.request("login", role="executive", email=email, password=EXEC_PASSWORD,
                        totp=totp())
    check(reply and reply["ok"], "executive login %s: %r" % (email, reply))
    return raw


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def still_works(server, customer_email=CUSTOMERS[7][0], executive_email=MARTIN):
    """The server is alive; a real customer terminal and a real executive terminal log in, the
    executive sees the customer in :status, and both exit cleanly."""
    check(server.proc.poll() is None, "server died:\n" + server.out.text[-3000:])
    c = customer(server.port, customer_email)
    e = executive(server.port, executive_email)
    e.send(":status")
    e.expect(re.escape(customer_email))
    c.send("7")
    check(c.wait() == 0, "customer exit code:\n" + c.out.text[-2000:])
    e.send(":exit")
    check(e.wait() == 0, "executive exit code:\n" + e.out.text[-2000:])


def dribble(sock, data, delay, log):
    """Sends `data` one byte every `delay` seconds until done or the server hangs up."""
    try:
        for byte in data:
            sock.send(bytes([byte]))
            time.sleep(delay)
        log["finished"] = True
    except OSError:
        log["finished"] = False


class Slowloris:
    """A peer that dribbles `data` one byte per `delay` seconds while a thread records what it
    receives and when the server closes the connection."""

    def __init__(self, port, data, delay):
        self.raw = RawClient(port)
        self.connected = time.monotonic()
        self.sent = {}
        self.received = []
        self.closed_after = None
        self.sender = threading.Thread(target=dribble, args=(self.raw.sock, data, delay,
                                                             self.sent), daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.sender.start()
        self.reader.start()

    def _read(self):
        while True:
            message = self.raw.recv()
            if message is None:
                break
            self.received.append(message)
        self.closed_after = time.monotonic() - self.connected

    def join(self, timeout):
        self.sender.join(timeout)
        self.reader.join(timeout)
        self.raw.close()


def slowloris():
    login_timeout = 4
    idle_timeout = 3
    with Server(extra_args=["--login-timeout", str(login_timeout),
                            "--idle-timeout", str(idle_timeout)]) as server:
        # Twenty peers that dribble a hello + login one byte per 0.2 s: too slow to ever log in.
        handshake = (frame({"type": "hello", "id": 1, "version": 1})
                     + frame({"type": "login", "id": 2, "role": "customer", "email": ANA,
                              "password": CUSTOMER_PASSWORD}))
        lorises = [Slowloris(server.port, handshake, 0.2) for _ in range(20)]

        # A logged-in peer that dribbles a ping one byte per 0.2 s (longer than the idle
        # timeout): partial frames count as activity and the reply comes at the last byte.
        slow = raw_customer(server.port, BENJAMIN)
        slow_log = {}
        ping = frame({"type": "ping", "id": 77})
        slow_thread = threading.Thread(target=dribble, args=(slow.sock, ping, 0.2, slow_log),
                                       daemon=True)
        slow_thread.start()

        # Meanwhile a normal customer is served without delay.
        start = time.monotonic()
        c = customer(server.port, CAMILA)
        took = time.monotonic() - start  # reported, not asserted: speed is for the bench

        for loris in lorises:
            loris.join(timeout=login_timeout + 10)
            check([m["type"] for m in loris.received] == ["timeout"],
                  "a slowloris gets the timeout event, then the connection closes: %r"
                  % loris.received)
            check(loris.closed_after is not None and
                  login_timeout - 0.5 <= loris.closed_after <= login_timeout + 3,
                  "slowloris cut after %r s (login timeout %d s)"
                  % (loris.closed_after, login_timeout))
            check(loris.sent.get("finished") is False, "the slowloris sent its whole login")

        slow_thread.join(timeout=30)
        check(slow_log.get("finished"), "the slow logged-in peer was cut mid-frame")
        reply = next_reply(slow)
        check(reply and reply.get("id") == 77 and reply["ok"], "slow ping reply: %r" % reply)
        slow.request("logout")
        slow.close()

        c.send("7")
        check(c.wait() == 0, "customer exit code:\n" + c.out.text[-2000:])
        cut = sorted(l.closed_after for l in lorises)
        print("  20 slowloris peers cut by the %d s login timeout (after %.2f..%.2f s); a normal "
              "login took %.2f s meanwhile; a logged-in peer's ping dribbled over %.1f s was "
              "answered" % (login_timeout, cut[0], cut[-1], took, len(ping) * 0.2))
        still_works(server)


DEFAULT_MAX_OUTBOUND_BYTES = 1 << 20  # server/config.hpp


def flood_a_non_reader(cap):
    """A customer in a chat stops reading; its executive sends 2000-byte lines as fast as it
    can. The server must cut the customer once `cap` bytes are queued for it, tell the
    executive, and keep its own memory bounded meanwhile."""
    args = ["--max-outbound-bytes", str(cap)] if cap != DEFAULT_MAX_OUTBOUND_BYTES else []
    with Server(extra_args=args) as server:
        # The victim joins the queue, then never reads again (small receive buffer, so the
        # kernel does not absorb the flood for it).
        victim = RawClient(server.port)
        victim.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        victim.hello()
        check(victim.login_customer(ANA)["ok"], "victim login")
        check(victim.request("queue.join")["ok"], "queue.join")

        flooder = raw_executive(server.port, VALENTINA)
        reply = flooder.request("connect")
        check(reply and reply["ok"], "connect: %r" % reply)

        # The executive pipelines as fast as it can, but reads its own replies (at most
        # `window` requests in flight) so that it is not a slow reader itself.
        text = "x" * 2000
        stop = threading.Event()
        window = threading.Semaphore(200)
        sent = {"count": 0}

        def flood():
            rid = 1000
            try:
                while not stop.is_set() and sent["count"] < 50000:
                    if not window.acquire(timeout=0.1):
                        continue
                    flooder.sock.sendall(frame({"type": "chat.send", "id": rid, "text": text}))
                    rid += 1
                    sent["count"] += 1
            except OSError:
                pass

        peak = {"kb": 0}

        def sample():
            while not stop.is_set():
                try:
                    peak["kb"] = max(peak["kb"], rss_kb(server.proc.pid))
                except OSError:
                    return
                time.sleep(0.01)

        baseline_kb = rss_kb(server.proc.pid)
        threads = [threading.Thread(target=flood, daemon=True),
                   threading.Thread(target=sample, daemon=True)]
        for t in threads:
            t.start()
        start = time.monotonic()
        ended = None
        accepted = 0
        try:
            while True:
                message = flooder.recv()
                check(message is not None, "the flooding executive lost its connection")
                if message.get("type") == "chat.send":
                    window.release()
                    accepted += 1 if message.get("ok") else 0
                if message.get("type") == "chat.ended":
                    ended = message
                    break
                check(time.monotonic() - start < 60, "the non-reader was never disconnected")
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=10)
        took = time.monotonic() - start
        check(ended["reason"] == "customer_disconnected", "chat.ended: %r" % ended)
        server.out.wait_for(r"does not read its messages")

        # The executive's connection is fine: the rest of its requests are answered in order.
        reply = flooder.request("ping")
        check(reply and reply["ok"], "executive ping after the flood: %r" % reply)
        check(error_code(flooder.request("chat.send", text="¿sigue ahí?")) == "not_in_chat",
              "no chat any more")

        # The server dropped the victim's session (what the kernel still holds for it is not
        # the server's memory; draining it through a 4 KiB window would only take time).
        status = flooder.request("status")
        check(ANA not in [c["email"] for c in status["customers"]],
              "the non-reader is still connected: %r" % status)
        victim.close()
        check(peak["kb"] < RSS_LIMIT_KB, "server RSS peaked at %d kB" % peak["kb"])
        print("  --max-outbound-bytes %d: %d chat lines (%.1f MB) accepted in %.1f s before the "
              "non-reader was cut; server RSS %d kB -> peak %d kB (limit %d kB)"
              % (cap, accepted, accepted * len(text) / 1e6, took, baseline_kb, peak["kb"],
                 RSS_LIMIT_KB))
        flooder.request("logout")
        flooder.close()
        still_works(server)


def never_reads():
    flood_a_non_reader(65536)
    # With the default cap the kernel's socket buffers and the queue absorb a few megabytes
    # first: the server's memory must still stay flat.
    flood_a_non_reader(DEFAULT_MAX_OUTBOUND_BYTES)


def connection_limit():
    limit = 20
    with Server(extra_args=["--max-connections", str(limit)]) as server:
        held = []
        for _ in range(limit):
            raw = RawClient(server.port)
            raw.hello()  # answered: the connection is a live session
            held.append(raw)

        def refused_when_full(what):
            if TRANSPORT == "ws":  # the upgrade is refused with 503 (or the socket reset)
                try:
                    RawClient(server.port).close()
                    fail(what + ": the upgrade was accepted")
                except (ws_client.UpgradeRefused, ConnectionResetError) as e:
                    check(getattr(e, "status", 0) in (0, 503), what + ": %r" % e)
                return
            extra = RawClient(server.port)
            message = extra.recv()
            check(error_code(message) == "busy", "%s: %r" % (what, message))
            check(extra.recv() is None, "the refused connection is closed")
            extra.close()

        refused_when_full("connection %d" % (limit + 1))
        refused_when_full("still full while they stay")
        # The held ones still work.
        for raw in held:
            check(raw.request("ping")["ok"], "a held connection answers")
            raw.close()
        # Once they are gone there is room again (the server sees the hang-ups at once); the
        # check below needs two connections at the same time.
        deadline = time.monotonic() + 10
        while True:
            try:
                probes = [RawClient(server.port) for _ in range(2)]
            except (ws_client.UpgradeRefused, ConnectionResetError) as e:
                probes, replies = [], [repr(e)]
            else:
                replies = [probe.request("hello", version=1) for probe in probes]
            for probe in probes:
                probe.close()
            if probes and all(reply and reply.get("ok") for reply in replies):
                break
            check(time.monotonic() < deadline, "no room after closing: %r" % replies)
            time.sleep(0.1)
        print("  %d connections held; connection %d refused with busy and closed; room again "
              "after they hung up" % (limit, limit + 1))
        still_works(server)


def ping_flood():
    count = 10000
    with Server() as server:
        raw = raw_customer(server.port, ANA)
        first = raw.next_id
        data = b"".join(frame({"type": "ping", "id": first + i}) for i in range(count))
        sender = threading.Thread(target=raw.sock.sendall, args=(data,), daemon=True)
        start = time.monotonic()
        sender.start()
        ids = []
        while len(ids) < count:
            message = raw.recv()
            check(message is not None, "connection lost after %d replies" % len(ids))
            if "ok" in message:
                check(message["ok"] and message["type"] == "ping", "ping reply: %r" % message)
                ids.append(message["id"])
        took = time.monotonic() - start
        sender.join(timeout=10)
        check(ids == list(range(first, first + count)), "replies out of order or missing")
        raw.next_id = first + count
        check(raw.request("catalogue")["ok"], "the connection still works")
        raw.request("logout")
        raw.close()
        print("  %d pipelined pings answered in order in %.2f s (%.0f/s)"
              % (count, took, count / took))
        still_works(server)


def slow_reader_gets_everything():
    """A customer pipelines 1,200 catalogue requests (2 MB of replies) with a small receive
    buffer and reads nothing for a second, then reads slowly. The server's writer fills the
    socket, waits, and resumes mid-frame many times: every reply must arrive whole, in order
    and identical, and the connection must stay usable."""
    count = 1200
    with Server(extra_args=["--max-outbound-bytes", str(8 << 20)]) as server:
        raw = RawClient(server.port)
        raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
        raw.hello()
        check(raw.login_customer(ANA)["ok"], "login")
        first = raw.next_id
        raw.send_bytes(b"".join(frame({"type": "catalogue", "id": first + i})
                                for i in range(count)))
        raw.next_id = first + count
        time.sleep(1)
        replies = []
        while len(replies) < count:
            message = raw.recv()
            check(message is not None, "connection lost after %d replies" % len(replies))
            if "ok" in message:
                replies.append(message)
                if len(replies) % 50 == 0:
                    time.sleep(0.02)  # keep reading slowly
        check([r["id"] for r in replies] == list(range(first, first + count)),
              "replies out of order or missing")
        check(all(r["ok"] and r["type"] == "catalogue" for r in replies), "a reply failed")
        products = replies[0]["products"]
        check(len(products) >= 20, "catalogue: %d products" % len(products))
        check(all(r["products"] == products for r in replies), "a reply arrived altered")
        check(raw.request("ping")["ok"], "the connection still works")
        raw.close()
        print("  %d catalogue replies (%d bytes each) arrived whole and in order"
              % (count, len(json.dumps(replies[0]))))
        still_works(server)


INVALID_UTF8 = [b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82",
                b"\xf4\x90\x80\x80", b"abc\x80def", b"\xf8\x88\x80\x80\x80"]


def invalid_utf8():
    if TRANSPORT == "ws":
        invalid_utf8_over_websocket()
        return
    with Server() as server:
        ana = raw_customer(server.port, ANA)
        check(ana.request("queue.join")["ok"], "queue.join")
        val = raw_executive(server.port, VALENTINA)
        check(val.request("connect")["ok"], "connect")

        # Chat text: every invalid sequence is refused; the chat goes on.
        for i, bad in enumerate(INVALID_UTF8):
            ana.send_frame(b'{"type":"chat.send","id":%d,"text":"hola ' % (100 + i) + bad + b'"}')
            reply = next_reply(ana)
            check(error_code(reply) == "invalid_utf8", "chat text %r: %r" % (bad, reply))
        check(ana.request("chat.send", text="hola, ¿me atiende? ñandú")["ok"], "valid chat line")
        message = next_event(val, "chat.message")
        check(message and message["text"] == "hola, ¿me atiende? ñandú",
              "the first line the executive gets is the valid one: %r" % message)

        # Card names in :buy and :publish.
        for i, bad in enumerate(INVALID_UTF8):
            val.send_frame(b'{"type":"offer.create","id":%d,"card":"Pika' % (200 + i) + bad
                           + b'chu","price":1000}')
            reply = next_reply(val)
            check(error_code(reply) == "invalid_utf8", "offer card %r: %r" % (bad, reply))
            val.send_frame(b'{"type":"publish","id":%d,"card":"Mew' % (300 + i) + bad + b'"}')
            reply = next_reply(val)
            check(error_code(reply) == "invalid_utf8", "publish card %r: %r" % (bad, reply))
        # A JSON escape of a lone surrogate is not a character either: refused by the parser.
        for i, escape in enumerate((b"\\ud800", b"\\udc00x", b"\\ud800\\u0041")):
            val.send_frame(b'{"type":"chat.send","id":%d,"text":"' % (400 + i) + escape + b'"}')
            reply = next_reply(val)
            check(error_code(reply) == "invalid_json", "lone surrogate %r: %r" % (escape, reply))
        reply = val.request("offer.create", card="Pikachu ex", price=1000)
        check(reply and reply["ok"], "valid offer after the garbage: %r" % reply)
        offer = next_event(ana, "offer")
        check(offer and offer["card"] == "Pikachu ex", "offer event: %r" % offer)
        reply = ana.request("offer.answer", offer_id=offer["offer_id"], accept=False)
        check(reply and reply["ok"] and reply["accepted"] is False, "decline: %r" % reply)
        check(val.request("chat.end")["ok"], "chat.end")

        # Before login: emails and passwords.
        guest = RawClient(server.port)
        guest.hello()
        guest.send_frame(b'{"type":"login","id":5,"role":"customer","email":"ana\xff@example.com",'
                         b'"password":"cliente123"}')
        check(error_code(next_reply(guest)) == "invalid_utf8", "email")
        guest.send_frame(b'{"type":"login","id":6,"role":"customer","email":"hugo.pizarro@'
                         b'example.com","password":"cliente\xc3\x28"}')
        check(error_code(next_reply(guest)) == "invalid_utf8", "password")
        check(guest.login_customer(CUSTOMERS[7][0])["ok"], "login on the same connection")
        guest.request("logout")
        guest.close()
        for raw in (ana, val):
            raw.request("logout")
            raw.close()
        print("  %d invalid UTF-8 sequences refused in chat text, offer and publish card names, "
              "email and password (invalid_utf8); the connections stayed usable"
              % len(INVALID_UTF8))
        still_works(server)


def invalid_utf8_over_websocket():
    """Over a WebSocket, invalid UTF-8 in a text message fails the connection (RFC 6455,
    close code 1007) before the server reads it; the chat of the others goes on."""
    with Server() as server:
        ana = raw_customer(server.port, ANA)
        check(ana.request("queue.join")["ok"], "queue.join")
        val = raw_executive(server.port, VALENTINA)
        check(val.request("connect")["ok"], "connect")
        for i, bad in enumerate(INVALID_UTF8):
            guest = RawClient(server.port)
            guest.send_frame(b'{"type":"hello","id":%d,"client":"' % i + bad + b'"}')
            check(guest.recv() is None and guest.close_code == 1007, "sequence %r" % bad)
        for i, escape in enumerate((b"\\ud800", b"\\udc00x", b"\\ud800\\u0041")):
            val.send_frame(b'{"type":"chat.send","id":%d,"text":"' % (400 + i) + escape + b'"}')
            reply = next_reply(val)
            check(error_code(reply) == "invalid_json", "lone surrogate %r: %r" % (escape, reply))
        check(ana.request("chat.send", text="hola, ¿me atiende? ñandú")["ok"], "valid chat line")
        message = next_event(val, "chat.message")
        check(message and message["text"] == "hola, ¿me atiende? ñandú", "chat: %r" % message)
        check(val.request("chat.end")["ok"], "chat.end")
        for raw in (ana, val):
            raw.request("logout")
            raw.close()
        print("  %d invalid UTF-8 sequences closed their WebSocket with 1007" % len(INVALID_UTF8))
        still_works(server)


SQL = ["'; DROP TABLE customers; --", '" OR 1=1 --', "' OR '1'='1", "%", "_", "%%",
       "ana.rojas@example.com' --", "' UNION SELECT password_hash FROM customers --",
       "Robert'); DROP TABLE products;--", "\\", "*/ /*", "a' AND 1=(SELECT count(*) FROM x) --"]


def sql_metacharacters():
    # One guest connection makes every failed login below, each an Argon2id verification of
    # up to seconds on a loaded machine: the login time limit is not what this checks.
    args = ["--login-slow-after", "100000", "--address-slow-after", "100000",
            "--max-protocol-errors", "100000", "--login-timeout", "3600"]
    with Server(extra_args=args) as server:
        probe = raw_customer(server.port, CUSTOMERS[6][0])
        catalogue = probe.request("catalogue")["products"]
        probe.request("logout")
        probe.close()

        # hello.client and every login field; also the type and id themselves.
        guest = RawClient(server.port)
        for s in SQL:
            c = RawClient(server.port)
            check(c.request("hello", version=1, client=s)["ok"], "hello client %r" % s)
            c.close()
        guest.hello()
        for s in SQL:
            check(error_code(guest.request(s)) == "unknown_type", "type %r" % s)
            guest.send({"type": "ping", "id": s})
            check(error_code(next_reply(guest)) == "invalid_field", "id %r" % s)
            # Each login costs an Argon2id verification: one attempt per field is enough.
            for email, password in ((s, CUSTOMER_PASSWORD), (ANA, s)):
                reply = guest.request("login", role="customer", email=email, password=password)
                check(error_code(reply) == "bad_credentials", "login %r/%r: %r"
                      % (email, password, reply))
            reply = guest.request("login", role="executive", email=s, password=EXEC_PASSWORD,
                                  totp=totp())
            check(error_code(reply) == "bad_credentials", "exec login %r: %r" % (s, reply))
            reply = guest.request("login", role="executive", email=TOMAS, password=EXEC_PASSWORD,
                                  totp=s)
            # The password is right: the code's own refusal (docs/protocol.md, login).
            check(error_code(reply) == "bad_totp", "totp %r: %r" % (s, reply))
            check(error_code(guest.request("login", role=s, email=ANA,
                                           password=CUSTOMER_PASSWORD)) == "invalid_field",
                  "role %r" % s)
        guest.close()

        # Every string (and, mistyped, every integer) field of the customer's requests.
        ana = raw_customer(server.port, ANA)
        for s in SQL:
            reply = ana.request("password.change", current=s, new=s, confirm=s)
            check(error_code(reply) in ("weak_password", "bad_credentials"),
                  "password.change %r: %r" % (s, reply))
            reply = ana.request("password.change", current=s, new=s + "-larga-1",
                                confirm=s + "-larga-1")
            check(error_code(reply) == "bad_credentials", "password.change %r: %r" % (s, reply))
            for type_, fields in (("history.detail", {"operation_id": s}),
                                  ("return", {"operation_id": s}),
                                  ("confirm", {"operation_id": s}),
                                  ("purchase", {"lines": s}),
                                  ("purchase", {"lines": [{"product_id": s, "quantity": 1}]}),
                                  ("purchase", {"lines": [{"product_id": 1, "quantity": s}]}),
                                  ("offer.answer", {"offer_id": s, "accept": True}),
                                  ("offer.answer", {"offer_id": 1, "accept": s})):
                reply = ana.request(type_, **fields)
                check(error_code(reply) == "invalid_field", "%s %r: %r" % (type_, fields, reply))
        check(ana.request("queue.join")["ok"], "queue.join")

        # Every string field of the executive's requests, inside a chat.
        val = raw_executive(server.port, VALENTINA)
        check(val.request("connect")["ok"], "connect")
        for s in SQL:
            check(ana.request("chat.send", text=s)["ok"], "customer chat %r" % s)
            message = next_event(val, "chat.message")
            check(message and message["text"] == s, "chat text arrives intact: %r" % message)
            check(val.request("chat.send", text=s)["ok"], "executive chat %r" % s)
            message = next_event(ana, "chat.message")
            check(message and message["text"] == s, "chat text arrives intact: %r" % message)
            reply = val.request("publish", card=s, price=1000)
            check(error_code(reply) == "not_found", "publish %r: %r" % (s, reply))
            check(error_code(val.request("publish", card=s, price=s)) == "invalid_field",
                  "publish price")
            check(error_code(val.request("offer.create", card=s, price=s)) == "invalid_field",
                  "offer price")
            reply = val.request("offer.create", card=s, price=1000)
            check(reply and reply["ok"], "offer.create %r: %r" % (s, reply))
            offer = next_event(ana, "offer")
            check(offer and offer["card"] == s, "offer card arrives intact: %r" % offer)
            accept = s == SQL[8]  # one is bought: a product whose name is SQL
            reply = ana.request("offer.answer", offer_id=offer["offer_id"], accept=accept)
            check(reply and reply["ok"] and reply["accepted"] is accept, "answer: %r" % reply)
        # The card bought is stored under its literal name, unlisted (not in the customers'
        # catalogue), and `%` / `_` never matched it or anything else as a pattern.
        products = val.request("catalogue")["products"]
        bought = [p for p in products if p["name"] == SQL[8]]
        check(len(bought) == 1 and bought[0]["listed"] is False and bought[0]["held"] == 1,
              "the SQL-named card: %r" % bought)
        check(len(products) == len(catalogue) + 1, "executive catalogue: one more product")
        for type_ in ("customer.activity", "customer.operations", "status", "details"):
            check(val.request(type_)["ok"], type_)
        check(val.request("chat.end")["ok"], "chat.end")
        for raw in (ana, val):
            raw.request("logout")
            raw.close()

        # The demo data is intact: same catalogue, all eight customers log in.
        check(server.proc.poll() is None, "server died")
        for email, _ in CUSTOMERS:
            raw = raw_customer(server.port, email)
            if email == CUSTOMERS[6][0]:
                after = raw.request("catalogue")["products"]
                check(after == catalogue, "the customers' catalogue changed")
            raw.request("logout")
            raw.close()
        db = sqlite3.connect("file:%s?mode=ro" % server.db, uri=True)
        counts = {t: db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                  for t in ("customers", "executives", "products")}
        check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check")
        db.close()
        check(counts == {"customers": 8, "executives": 4, "products": len(catalogue) + 1},
              "tables after the attack: %r" % counts)
        print("  %d SQL payloads in every string field (and every integer field, mistyped): "
              "only clear errors or literal data; %d products, 8 customers log in, "
              "integrity_check ok" % (len(SQL), len(catalogue)))
        still_works(server)


def control_characters():
    """A login email with a newline cannot forge a console line; control characters in card
    names are refused; the other party's terminal shows escape codes as text."""
    with Server() as server:
        forged = "x\n2026-11-24 11:45:00 [SERVIDOR] Cliente Falso conectado."
        raw = RawClient(server.port)
        raw.hello()
        reply = raw.request("login", role="customer", email=forged, password="x")
        check(reply["error"]["code"] == "bad_credentials", "login: %r" % reply)
        server.out.wait_for(r"Acceso rechazado para x\\x0A2026-11-24 11:45:00")
        check(server.out.count(r"(?m)^2026-11-24 11:45:00 \[SERVIDOR\] Cliente Falso") == 0,
              "a forged console line was printed:\n" + server.out.text[-2000:])
        raw.close()

        c = customer(server.port)
        c.send("6")
        c.expect(r"posición 1")
        e = executive(server.port)
        e.send(":connect")
        e.expect(r"Conectado con Ana Rojas")
        e.send(":buy Pika\x1b[2Jchu 100")
        e.expect(r"caracteres de control")
        e.send("hola \x1b[31mrojo")
        c.expect(r"Valentina: hola \\x1B\[31mrojo")
        check("\x1b[31m" not in c.out.text, "an escape sequence reached the customer's screen")
        e.send(":disconnect")
        e.send(":exit")
        check(e.wait() == 0, "executive exit")
        c.send("7")
        check(c.wait() == 0, "customer exit")


if __name__ == "__main__":
    run(slowloris)
    run(never_reads)
    run(connection_limit)
    run(ping_flood)
    run(slow_reader_gets_everything)
    run(invalid_utf8)
    run(sql_metacharacters)
    run(control_characters)
