"""Issue 12, items 9 (first sentence) and 11, against a real server with default flags:
wrong current passwords in password.change are counted and slowed like failed logins, and
executives never see a customer's network address (details, :history).
"""
import socket
import threading

from tcs_e2e import (CUSTOMER_PASSWORD, EXECUTIVES, EXEC_PASSWORD, TIMEOUT, RawClient, Server,
                     check, run, totp)


class SourcedClient(RawClient):
    """A RawClient whose socket is bound to `source` (a loopback address: Linux routes all of
    127.0.0.0/8 to lo)."""

    def __init__(self, port, source):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT,
                                             source_address=(source, 0))
        self.buffer = b""
        self.next_id = 1


def error_code(reply):
    if reply is None:
        return "closed"
    return "" if reply.get("ok") else reply["error"]["code"]


def password_change_throttled():
    """Wrong current passwords in password.change count like failed logins of the account: 4
    wrong guesses (3 free + 1), then 4 simultaneous logins for the same account from the same
    address get turns 1, 3, 7 and 15 s away, so the last is refused (it would not be if the
    guesses had not counted); and the right current password is then refused too."""
    with Server() as server:
        ana = RawClient(server.port)
        ana.hello()
        check(ana.login_customer()["ok"], "login")
        for _ in range(4):
            reply = ana.request("password.change", current="no-es-esta", new="otra-clave-9",
                                confirm="otra-clave-9")
            check(error_code(reply) == "bad_credentials", "wrong current password: %r" % reply)

        codes = []
        lock = threading.Lock()
        refused = threading.Event()
        others = [RawClient(server.port) for _ in range(4)]
        for c in others:
            c.hello()

        def login(c):
            code = error_code(c.login_customer(password="adivinanza"))
            with lock:
                codes.append(code)
            if code != "bad_credentials":
                refused.set()

        threads = [threading.Thread(target=login, args=(c,)) for c in others]
        for t in threads:
            t.start()
        refused.wait(timeout=60)
        reply = ana.request("password.change", current=CUSTOMER_PASSWORD, new="otra-clave-9",
                            confirm="otra-clave-9")
        for c in others:  # the rest wait for their turns: hang up on them
            c.sock.shutdown(socket.SHUT_RDWR)
        for t in threads:
            t.join()
        print("measured: after 4 wrong password.change guesses, 4 simultaneous logins got %r; "
              "the right current password got %r" % (sorted(codes), error_code(reply) or "ok"))
        check("too_many_attempts" in codes, "the guesses were not counted: %r" % codes)
        check(error_code(reply) == "too_many_attempts", "right password during the delay: %r"
              % reply)
        ana.close()
        server.out.wait_for(r"solicitud rechazada \(cambio de clave, too_many_attempts\)")


def executives_do_not_see_addresses():
    with Server() as server:
        ana = SourcedClient(server.port, "127.0.7.7")
        ana.hello()
        check(error_code(ana.login_customer(password="equivocada")) == "bad_credentials", "typo")
        check(ana.login_customer()["ok"], "login")

        exe = RawClient(server.port)
        exe.hello()
        check(exe.request("login", role="executive", email=EXECUTIVES[0][0],
                          password=EXEC_PASSWORD, totp=totp())["ok"], "executive login")
        # Ana's last action is her login.
        details = exe.request("details")
        check(details["ok"], "details")
        check("login" in str(details), "the last action is the login: %r" % details)
        check("127.0.7.7" not in str(details), "details shows the address: %r" % details)
        check(ana.request("queue.join")["ok"], "queue.join")
        check(exe.request("connect")["ok"], "connect")
        history = exe.request("customer.activity")
        check(history["ok"], "customer.activity")
        check("login" in str(history), "the login entries are listed")
        check("127.0.7.7" not in str(history), ":history shows the address: %r" % history)
        # The operator's console still says where the failed attempt came from.
        server.out.wait_for(r"Acceso rechazado para ana\.rojas@example\.com desde 127\.0\.7\.7:")
        exe.close()
        ana.close()


if __name__ == "__main__":
    run(password_change_throttled)
    run(executives_do_not_see_addresses)
