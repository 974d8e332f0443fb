"""Names and echoes end to end (issue 12, item 9): a 64 KB request type full of escape codes is
answered with a short, escaped echo and the connection keeps working; a request without an
id is answered with "id": null; card names typed at `:buy` and display names given to
`tcs-server user add` / `catalogue import` that are invisible, empty, carry bidi or line
separators, mix Latin with Cyrillic, or look like an existing name are refused with a clear
message and change nothing."""
from tcs_e2e import *

ESC = "\x1b"
RLO = "\u202e"
CYRILLIC_E = "\u0435"


def echo_is_clipped_and_escaped():
    with Server() as server:
        raw = RawClient(server.port)
        raw.hello()
        # A type of 65,463 bytes (the request just fits in a frame): the old server echoed it
        # whole, and the reply, longer than a frame, was never sent.
        evil = "x" + ESC + "[2J" + RLO + "y" * 65450
        raw.send({"type": evil, "id": 5})
        reply = raw.recv()
        check(reply is not None, "no reply to a 65 KB unknown type (connection closed)")
        check(reply.get("id") == 5 and reply["error"]["code"] == "unknown_type", "%r" % reply)
        text = json.dumps(reply, ensure_ascii=False)
        check(len(text.encode("utf-8")) < 1000, "the echo is not clipped: %d bytes" % len(text))
        check(ESC not in text and RLO not in text, "an escape or bidi char is echoed: %r" % text)
        check("\\x1B[2J" in reply["type"] and "\\u202E" in reply["type"],
              "the echo does not show the escapes visibly: %r" % reply["type"])
        # Without an id the reply says "id": null (an event has no "id" at all).
        raw.send({"type": "ping"})
        reply = raw.recv()
        check(reply is not None and "id" in reply and reply["id"] is None and
              reply["error"]["code"] == "missing_field", "reply without id: %r" % reply)
        check(raw.request("ping")["ok"], "the connection no longer works")
        raw.close()
        check(server.out.count(ESC) == 0, "an ESC reached the console")


def admin(db, *args, password=None):
    return subprocess.run([SERVER] + list(args) + ["--db", db], text=True, capture_output=True,
                          input=(password + "\n") if password is not None else "", timeout=60)


def admin_names():
    directory = tempfile.mkdtemp(prefix="tcs-names-")
    db = os.path.join(directory, "tcs.db")
    try:
        def add(name, email):
            return admin(db, "user", "add", "--role", "customer", "--email", email, "--name", name,
                         password="clave-segura")

        r = add("Mario Soto", "mario@example.com")
        check(r.returncode == 0, "add Mario Soto: %s" % r.stderr)
        bad = {
            "zero-width only": ("\u200b\u200b", r"invisible or formatting character \(U\+200B\)"),
            "NBSP only": ("\u00a0\u00a0", r"the name is empty"),
            "RLO": ("Ana " + RLO + "sajoR", r"U\+202E"),
            "line separator": ("Ana\u2028Rojas", r"U\+2028"),
            "Cyrillic e": ("P" + CYRILLIC_E + "dro Pérez", r"mixes scripts"),
            "look-alike": ("rnario Soto", r"looks like the name of customer mario@example\.com"),
        }
        for what, (name, says) in bad.items():
            r = add(name, "other@example.com")
            check(r.returncode == 1 and re.search(says, r.stderr),
                  "%s: exit %d, stderr %r" % (what, r.returncode, r.stderr))
        listed = admin(db, "user", "list").stdout
        check("other@example.com" not in listed, "a refused name was added:\n" + listed)
        # NFC and Unicode spaces: stored precomposed and with plain spaces.
        r = add("Jose\u0301\u00a0Pe\u0301rez\u3000", "jose@example.com")
        check(r.returncode == 0 and "(José Pérez)" in r.stdout, "NFC name: %r" % (r.stdout,))

        csv = os.path.join(directory, "c.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("name,kind,price,stock\nMew ex,card,100,1\n")
        check(admin(db, "catalogue", "import", csv).returncode == 0, "import Mew ex")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("name,kind,price,stock\nLugia,card,100,1\nrnew EX,card,100,1\n")
        r = admin(db, "catalogue", "import", csv)
        check(r.returncode == 1 and re.search(r":3: the product \"rnew EX\" looks like the existing "
                                              r"product \"Mew ex\"", r.stderr), r.stderr)
        exported = admin(db, "catalogue", "export").stdout
        check("Lugia" not in exported, "a refused import changed the catalogue:\n" + exported)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def buy_names():
    with Server() as server:
        c = customer(server.port)
        c.send("6")
        c.expect(r"posición 1")
        e = executive(server.port)
        e.send(":connect")
        e.expect(r"Conectado con Ana Rojas")
        e.send(":buy Pikachu " + CYRILLIC_E + "x 100")
        e.expect(r"mezcla alfabetos")
        e.send(":buy rnew ex 100")
        e.expect(r'se confunde con "Mew ex"')
        e.send(":buy Mew" + RLO + "xe 100")
        e.expect(r"invisibles ni de formato \(U\+202E\)")
        e.send(":buy Mew\u2028ex 100")
        e.expect(r"U\+2028")
        # (tcs-exec on a pipe echoes what it reads, the executive's own typing: not checked.)
        check(RLO not in server.out.text and "\u2028" not in server.out.text,
              "a bidi or line separator reached the server's console as is")
        # A real new card still works.
        e.send(":buy Caterpie 8")
        c.expect(r"Caterpie")
        e.send(":disconnect")
        e.send(":exit")
        check(e.wait() == 0, "executive exit")
        c.send("7")
        check(c.wait() == 0, "customer exit")


if __name__ == "__main__":
    run(echo_is_clipped_and_escaped)
    run(admin_names)
    run(buy_names)
