"""Issue 12, items 9 (first sentence) and 11, against a real server with default flags:
wrong current passwords in password.change are counted and slowed like failed logins, and
executives never see a customer's network address (details, :history).
"""
import socket

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
    """Wrong current passwords in password.change count like failed logins: after the free
    ones they are spaced out and then refused, and the right one is refused during the delay."""
    with Server() as server:
        ana = RawClient(server.port)
        ana.hello()
        check(ana.login_customer()["ok"], "login")
        codes = []
        while len(codes) < 12 and "too_many_attempts" not in codes:
            codes.append(error_code(ana.request("password.change", current="no-es-esta",
                                                new="otra-clave-9", confirm="otra-clave-9")))
        print("measured: password.change guesses before too_many_attempts: %d" % len(codes))
        check("too_many_attempts" in codes, "guesses must be throttled: %r" % codes)
        check(codes.count("bad_credentials") <= 8, "3 free + 5 turns at most: %r" % codes)
        reply = ana.request("password.change", current=CUSTOMER_PASSWORD, new="otra-clave-9",
                            confirm="otra-clave-9")
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
