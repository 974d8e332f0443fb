"""Issue 12, items 3 and 10, against a real server with default flags: a burst of simultaneous
logins for one account is counted in flight; an attacker cannot lock the owner out (of her
account, or of a shared address). test_hardening_session.py has items 9 and 11.

Sources other than 127.0.0.1 are loopback addresses the client sockets bind to (Linux routes
all of 127.0.0.0/8 to lo), so the server sees distinct client addresses.
"""
import socket
import threading

from tcs_e2e import CUSTOMERS, CUSTOMER_PASSWORD, TIMEOUT, RawClient, Server, check, run


class SourcedClient(RawClient):
    """A RawClient whose socket is bound to `source` (a loopback address)."""

    def __init__(self, port, source):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT,
                                             source_address=(source, 0))
        self.buffer = b""
        self.next_id = 1


def error_code(reply):
    if reply is None:
        return "closed"
    return "" if reply.get("ok") else reply["error"]["code"]


def reply_to(client, rid):
    """The reply with id `rid` (events before it are skipped), or None if the server closed."""
    while True:
        message = client.recv()
        if message is None or message.get("id") == rid:
            return message


def simultaneous_logins():
    """301 logins for one account from 301 addresses at once, #101 with the right password:
    the limit holds for attempts in flight (3 free + 4 turns within the 8 s wait = 7 hashes),
    the right password in the burst does not log in, and the owner, from the address she used
    before, logs in at once during the attack (no malicious lock-out)."""
    with Server() as server:
        email = CUSTOMERS[2][0]  # camila
        home = SourcedClient(server.port, "127.0.9.9")
        home.hello()
        check(home.login_customer(email)["ok"], "camila logs in from home first")
        home.request("logout")
        home.close()

        clients = []
        for i in range(301):
            c = SourcedClient(server.port, "127.0.%d.%d" % (1 + i // 200, 1 + i % 200))
            c.hello()
            clients.append(c)
        for i, c in enumerate(clients):
            password = CUSTOMER_PASSWORD if i == 100 else "adivinanza-%d" % i
            c.send(dict(type="login", id=99, role="customer", email=email, password=password))
        codes = [error_code(reply_to(c, 99)) for c in clients]
        for c in clients:
            c.close()
        bad = codes.count("bad_credentials")
        print("measured: %d of 301 simultaneous attempts hashed (bad_credentials), %d "
              "too_many_attempts, attempt #101 (right password): %r"
              % (bad, codes.count("too_many_attempts"), codes[100] or "ok"))
        check(codes[100] == "too_many_attempts",
              "the right password in the burst must not log in: %r" % codes[100])
        check(bad <= 7, "at most 7 attempts may be hashed, %d were" % bad)
        check(codes.count("too_many_attempts") == 301 - bad, "every other one is refused")
        if bad:
            server.out.wait_for(r"Acceso rechazado para camila", count=bad)
        check(server.out.count(r"Acceso rechazado para camila") == bad,
              "console: one line per hashed attempt")

        # The owner at home is not slowed by the attack.
        home = SourcedClient(server.port, "127.0.9.9")
        home.hello()
        reply = home.login_customer(email)
        check(reply["ok"], "the owner logs in from her known address: %r" % reply)
        home.close()


def shared_address_not_locked():
    """55 failed logins for unknown emails from one address (a shop's NAT) slow that address
    down but do not lock out a customer who logged in from there before."""
    with Server() as server:
        nat = "127.0.5.5"
        diego = SourcedClient(server.port, nat)
        diego.hello()
        check(diego.login_customer(CUSTOMERS[3][0])["ok"], "diego logs in at the shop")
        diego.request("logout")
        diego.close()

        codes = []
        lock = threading.Lock()
        refused = threading.Event()
        guessers = [SourcedClient(server.port, nat) for _ in range(4)]

        def guess(c, first):
            # Until the first too_many_attempts anywhere: the old server only says it once the
            # address is locked, after 50 failures.
            c.hello()
            for i in range(first, 55, 4):
                code = error_code(c.login_customer("nadie%d@example.com" % i, "x"))
                with lock:
                    codes.append(code)
                if code != "bad_credentials":
                    break
            refused.set()

        threads = [threading.Thread(target=guess, args=(c, k)) for k, c in enumerate(guessers)]
        for t in threads:
            t.start()
        refused.wait(timeout=120)
        for c in guessers:  # the others may be waiting for a turn: hang up on them
            c.sock.shutdown(socket.SHUT_RDWR)
        for t in threads:
            t.join()
        for c in guessers:
            c.close()
        print("measured: %d guesses from one address: %d hashed, %d too_many_attempts, %d busy"
              % (len(codes), codes.count("bad_credentials"), codes.count("too_many_attempts"),
                 codes.count("busy")))
        # 20 free, then turns 0, 1, 3, 7 s on; the first refusal ends the guessing.
        check(codes.count("bad_credentials") <= 24, "20 free + 4 turns at most: %r" % codes)
        check("too_many_attempts" in codes, "the address is slowed: %r" % codes)
        diego = SourcedClient(server.port, nat)
        diego.hello()
        reply = diego.login_customer(CUSTOMERS[3][0])
        check(reply["ok"], "diego still logs in from the shop: %r" % reply)
        diego.close()


if __name__ == "__main__":
    run(simultaneous_logins)
    run(shared_address_not_locked)
