#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_dispatch.cpp into tests/fuzz/corpus/dispatch/.

Each seed is a byte stream as a client sends it (4-byte big-endian length + JSON). An empty
frame switches to the harness's other connection. The seeds get past hello and login (the
harness's clock is fixed, so the demo executives' TOTP code is the constant below) and then
exercise every request type, so the fuzzer starts from deep inside the protocol.

Usage: tests/fuzz/make_corpus.py   (re-run after changing the protocol; the files are kept)
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus", "dispatch")

TOTP_AT_FUZZ_NOW = "001544"  # oathtool --totp -b JBSWY3DPEHPK3PXP -N @1732000000
SWITCH = struct.pack(">I", 0)  # empty frame: the other connection speaks from here on


def frame(payload):
    if isinstance(payload, dict):
        payload = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return struct.pack(">I", len(payload)) + payload


class Stream:
    def __init__(self):
        self.data = b""
        self.next_id = 1

    def req(self, type_, **fields):
        self.data += frame(dict(type=type_, id=self.next_id, **fields))
        self.next_id += 1
        return self

    def raw(self, payload):
        self.data += frame(payload)
        return self

    def switch(self):
        self.data += SWITCH
        return self

    def hello(self):
        return self.req("hello", version=1, client="fuzz")

    def customer(self, email="ana.rojas@example.com", password="cliente123"):
        return self.hello().req("login", role="customer", email=email, password=password)

    def executive(self, email="valentina.reyes@example.com"):
        return self.hello().req("login", role="executive", email=email, password="ejecutivo123",
                                totp=TOTP_AT_FUZZ_NOW)


def seeds():
    s = {}
    s["hello"] = Stream().hello().req("ping")
    s["before_hello"] = Stream().req("catalogue").req("login", role="customer", email="a",
                                                      password="b").hello().req("hello", version=1)
    s["bad_version"] = Stream().req("hello", version=2)
    s["customer_reads"] = (Stream().customer().req("catalogue").req("history")
                           .req("history.detail", operation_id=2).req("returnable")
                           .req("pending").req("ping").req("logout"))
    s["customer_buys"] = (Stream().customer()
                          .req("purchase", lines=[{"product_id": 1, "quantity": 2},
                                                  {"product_id": 15, "quantity": 3}])
                          .req("confirm", operation_id=17).req("confirm", operation_id=17)
                          .req("return", operation_id=17).req("return", operation_id=17)
                          .req("history.detail", operation_id=17))
    s["customer_bad_purchases"] = (Stream().customer()
                                   .req("purchase", lines=[])
                                   .req("purchase", lines=[{"product_id": 2, "quantity": 99}])
                                   .req("purchase", lines=[{"product_id": 999, "quantity": 1}])
                                   .req("purchase", lines=[{"product_id": 1, "quantity": 60},
                                                           {"product_id": 1, "quantity": 60}])
                                   .req("purchase", lines=[1, "x", {"product_id": "1"}])
                                   .req("purchase", lines="no")
                                   .req("return", operation_id=8)
                                   .req("history.detail", operation_id=3)
                                   .req("confirm", operation_id=-1))
    s["customer_password"] = (Stream().customer()
                              .req("password.change", current="x", new="abc", confirm="abd")
                              .req("password.change", current="x", new="abc", confirm="abc")
                              .req("password.change", current="wrong-pass",
                                   new="nueva-clave-1", confirm="nueva-clave-1"))
    s["login_failures"] = Stream().hello()
    for _ in range(6):
        s["login_failures"].req("login", role="customer", email="ana.rojas@example.com",
                                password="mala")
    s["login_failures"].req("login", role="executive", email="tomas.herrera@example.com",
                            password="ejecutivo123", totp="000000")
    s["login_failures"].req("login", role="executive", email="tomas.herrera@example.com",
                            password="ejecutivo123")
    s["login_failures"].req("login", role="admin", email="x", password="y")
    s["executive_alone"] = (Stream().executive().req("status").req("details").req("connect")
                            .req("catalogue").req("customer.activity")
                            .req("customer.operations").req("chat.send", text="hola")
                            .req("publish", card="Lucario ex", price=9990)
                            .req("publish", card="No existe").req("history"))
    s["support_chat"] = (Stream().customer().req("queue.join").switch()
                         .executive().req("status").req("details").req("connect")
                         .req("chat.send", text="Hola, ¿en qué le ayudo?")
                         .req("customer.activity").req("customer.operations")
                         .req("offer.create", card="Charizard VMAX", price=50000).switch()
                         .req("chat.send", text="Quiero vender una carta")
                         .req("offer.answer", offer_id=1, accept=True).switch()
                         .req("publish", card="Charizard VMAX", price=95000)
                         .req("chat.end").switch().req("queue.join").req("queue.leave")
                         .req("logout"))
    s["support_decline"] = (Stream().customer("benjamin.soto@example.com").req("queue.join")
                            .req("queue.join").switch().executive("tomas.herrera@example.com")
                            .req("connect").req("offer.create", card="Mew ex", price=1000)
                            .req("offer.create", card="Mew ex", price=1000).switch()
                            .req("offer.answer", offer_id=1, accept=False)
                            .req("chat.end").switch().req("connect").req("logout"))
    s["exec_leaves_chat"] = (Stream().customer().req("queue.join").switch().executive()
                             .req("connect").req("offer.create", card="Gengar V", price=7000)
                             .req("logout").switch().req("queue.leave").req("chat.send",
                                                                            text="¿hola?"))
    s["malformed"] = (Stream().raw(b"{not json").raw(b"\xc3\x28").raw(b"[1,2]").raw(b"{}")
                      .raw(b'{"type":1}').raw(b'{"type":"ping"}').raw(b'{"type":"ping","id":"1"}')
                      .raw(b'{"type":"ping","id":1.5}').raw(b'{"type":"ping","id":-1}')
                      .raw(b'{"type":"ping","id":18446744073709551615}').hello()
                      .req("no.such.type").req("login", role="customer", email=1, password=2)
                      .raw(b'{"type":"hello","id":1,"version":1,"client":"\xff"}'))
    s["truncated"] = Stream().hello()
    s["truncated"].data += struct.pack(">I", 40) + b'{"type":"pi'
    s["too_large"] = Stream().hello()
    s["too_large"].data += struct.pack(">I", 65537) + b"x" * 16
    return s


def main():
    os.makedirs(CORPUS, exist_ok=True)
    for name, stream in seeds().items():
        with open(os.path.join(CORPUS, "seed_" + name), "wb") as f:
            f.write(stream.data)
    print("wrote %d seeds to %s" % (len(seeds()), CORPUS))


if __name__ == "__main__":
    main()
