"""Administration end to end: `tcs-server user ...` and `tcs-server catalogue ...` on a fresh
database (every success and failure path), and against a running server on the same file: a
new executive enrolled from the printed otpauth URI logs in with the real tcs-exec (and the
same code is refused a second time), a new customer logs in at once, a disabled account
cannot log in and a connected one is dropped with a message."""
from tcs_e2e import *

SECRET_RE = r"otpauth://totp/TC5G:([^?\s]+)\?secret=([A-Z2-7]+)&issuer=TC5G"


def admin(db, *args, password=None, stdin=None):
    """Runs `tcs-server ARGS --db DB`; `password` is sent as one line on standard input."""
    if password is not None:
        stdin = password + "\n"
    return subprocess.run([SERVER] + list(args) + ["--db", db], input=stdin or "", text=True,
                          capture_output=True, timeout=60)


def ok(result, what):
    check(result.returncode == 0, "%s: exit %d\nstdout:\n%s\nstderr:\n%s"
          % (what, result.returncode, result.stdout, result.stderr))
    return result.stdout


def refused(result, status, pattern, what):
    check(result.returncode == status, "%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
          % (what, result.returncode, status, result.stdout, result.stderr))
    check(re.search(pattern, result.stderr), "%s: stderr lacks %r:\n%s"
          % (what, pattern, result.stderr))


def fresh_db():
    directory = tempfile.mkdtemp(prefix="tcs-admin-")
    return directory, os.path.join(directory, "tcs.db")


def decode_drawn_qr(text):
    """The text of the half-block QR in `text`, read back with zbarimg; None without zbarimg."""
    if not shutil.which("zbarimg"):
        return None
    lines = [l for l in text.split("\n") if len(l) > 20 and set(l) <= set(" █▀▄")]
    rows = []
    for l in lines:
        rows.append([c in "█▀" for c in l])
        rows.append([c in "█▄" for c in l])
    width, scale, pad = max(len(r) for r in rows), 6, 4
    pixels = []
    for y in range((len(rows) + 2 * pad) * scale):
        my = y // scale - pad
        row = rows[my] if 0 <= my < len(rows) else []
        pixels.append(" ".join("1" if 0 <= x // scale - pad < len(row) and row[x // scale - pad]
                               else "0" for x in range((width + 2 * pad) * scale)))
    path = os.path.join(tempfile.mkdtemp(prefix="tcs-qr-"), "qr.pbm")
    with open(path, "w") as f:
        f.write("P1\n%d %d\n" % ((width + 2 * pad) * scale, len(pixels)) + "\n".join(pixels))
    out = subprocess.run(["zbarimg", "-q", "--raw", path], capture_output=True, text=True)
    return out.stdout.strip()


def user_commands():
    directory, db = fresh_db()
    try:
        # add: a customer (email stored lower-case), then every refusal.
        out = ok(admin(db, "user", "add", "--role", "customer", "--email", "Nora.Silva@Example.COM",
                       "--name", "Nora Silva", password="clave-segura"), "add customer")
        check("Added customer nora.silva@example.com (Nora Silva)" in out, out)
        refused(admin(db, "user", "add", "--role", "customer", "--email", "NORA.silva@example.com",
                      "--name", "Otra", password="clave-segura"),
                1, r"already used by customer Nora Silva", "duplicate email")
        refused(admin(db, "user", "add", "--role", "executive", "--email", "nora.silva@example.com",
                      "--name", "Otra", password="clave-segura"),
                1, r"already used by customer", "duplicate across roles")
        for bad in ["nora", "nora@example", "no ra@example.com", "@example.com", "a@b@c.com"]:
            refused(admin(db, "user", "add", "--role", "customer", "--email", bad, "--name", "X",
                          password="clave-segura"), 1, r"invalid email address", "email " + bad)
        refused(admin(db, "user", "add", "--role", "admin", "--email", "x@example.com",
                      "--name", "X", password="clave-segura"), 2, r"unknown role \"admin\"", "role")
        refused(admin(db, "user", "add", "--role", "customer", "--email", "x@example.com",
                      password="clave-segura"), 2, r"'--name' is required", "missing --name")
        refused(admin(db, "user", "add", "--role", "customer", "--name", "X",
                      password="clave-segura"), 2, r"'--email' is required", "missing --email")
        refused(admin(db, "user", "add", "--role", "customer", "--email", "x@example.com",
                      "--name", "X", password="corta"), 1, r"shorter than 8", "short password")
        ok(admin(db, "user", "add", "--role", "customer", "--email", "x@example.com", "--name",
                 "Xim Ena", "--min-password-length", "5", password="corta"), "--min-password-length")
        refused(admin(db, "user", "add", "--role", "customer", "--email", "y@example.com",
                      "--name", "Y"), 1, r"no password on standard input", "no password")
        refused(admin(db, "user", "add", "--role", "customer", "--email", "y@example.com",
                      "--name", "   ", password="clave-segura"), 1, r"name is empty", "empty name")
        refused(admin(db, "user", "frobnicate"), 2, r"unknown command", "unknown user command")
        refused(admin(db, "user", "add", "--role", "customer", "--email", "y@example.com",
                      "--name", "Y", "--bogus", password="clave-segura"), 2, r"bogus", "bad option")

        # add an executive: URI, secret and QR code.
        out = ok(admin(db, "user", "add", "--role", "executive", "--email", "Rosa@Example.com",
                       "--name", "Rosa Díaz", password="clave-ejecutiva"), "add executive")
        m = re.search(SECRET_RE, out)
        check(m and m.group(1) == "rosa@example.com" and len(m.group(2)) == 32, out)
        check(out.count("█") > 50 and "\x1b[" not in out, "QR drawing (plain when piped): " + out)
        decoded = decode_drawn_qr(out)
        check(decoded is None or decoded == m.group(0), "QR decodes to %r" % decoded)

        # list
        out = ok(admin(db, "user", "list"), "list")
        check(re.search(r"customer\s+1\s+nora\.silva@example\.com\s+Nora Silva\s+active", out), out)
        check(re.search(r"executive\s+1\s+rosa@example\.com\s+Rosa Díaz\s+active", out), out)
        out = ok(admin(db, "user", "list", "--role", "executive"), "list executives")
        check("nora" not in out and "rosa@example.com" in out, out)
        refused(admin(db, "user", "list", "--role", "boss"), 2, r"unknown role", "list bad role")

        # passwd
        out = ok(admin(db, "user", "passwd", "--email", "NORA.SILVA@example.com",
                       password="otra-clave-1"), "passwd")
        check("Password changed for customer nora.silva@example.com" in out, out)
        refused(admin(db, "user", "passwd", "--email", "nadie@example.com", password="otra-clave-1"),
                1, r"no account with email nadie@example\.com", "passwd unknown")
        refused(admin(db, "user", "passwd", "--email", "nora.silva@example.com", password="x"),
                1, r"shorter than 8", "passwd short")
        refused(admin(db, "user", "passwd"), 2, r"'--email' is required", "passwd no email")

        # disable / enable
        out = ok(admin(db, "user", "disable", "--email", "nora.silva@example.com"), "disable")
        check("Disabled customer nora.silva@example.com" in out, out)
        out = ok(admin(db, "user", "disable", "--email", "nora.silva@example.com"), "disable twice")
        check("already disabled" in out, out)
        check(re.search(r"nora\.silva@example\.com\s+Nora Silva\s+disabled",
                        ok(admin(db, "user", "list"), "list")), "disabled in list")
        ok(admin(db, "user", "enable", "--email", "nora.silva@example.com"), "enable")
        refused(admin(db, "user", "disable", "--email", "nadie@example.com"), 1,
                r"no account with email", "disable unknown")
        refused(admin(db, "user", "enable", "--email", "nadie@example.com"), 1,
                r"no account with email", "enable unknown")

        # totp-reset
        out = ok(admin(db, "user", "totp-reset", "--email", "rosa@example.com"), "totp-reset")
        m2 = re.search(SECRET_RE, out)
        check(m2 and m2.group(2) != m.group(2), "a new secret: " + out)
        refused(admin(db, "user", "totp-reset", "--email", "nora.silva@example.com"), 1,
                r"is a customer; only executives", "totp-reset customer")
        refused(admin(db, "user", "totp-reset", "--email", "nadie@example.com"), 1,
                r"no executive with email", "totp-reset unknown")

        # --help everywhere, and a missing database is not created by reading commands.
        for words in (["user"], ["user", "add"], ["user", "list"], ["user", "passwd"],
                      ["user", "disable"], ["user", "enable"], ["user", "totp-reset"],
                      ["catalogue"], ["catalogue", "import"], ["catalogue", "export"]):
            out = ok(admin(db, *(words + ["--help"])), " ".join(words) + " --help")
            check("Usage: tcs-server " + " ".join(words) in out, out)
        missing = os.path.join(directory, "missing.db")
        refused(admin(missing, "user", "list"), 1, r"no database at", "list on a missing db")
        check(not os.path.exists(missing), "user list created a database")
        out = subprocess.run([SERVER, "--help"], capture_output=True, text=True).stdout
        check("tcs-server user add" in out and "tcs-server catalogue import" in out, out)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def on_terminal(db, args, typed):
    """Runs `tcs-server ARGS --db DB` with a pseudo-terminal as its standard input and error,
    types the `typed` lines when asked; returns (exit status, what the terminal showed)."""
    import pty
    master, slave = pty.openpty()
    proc = subprocess.Popen([SERVER] + args + ["--db", db], stdin=slave, stderr=slave,
                            stdout=subprocess.PIPE, text=True)
    os.close(slave)
    shown = ""
    for line in typed:
        while not re.search(r"(Password|Repeat the password)[^:]*: $", shown):
            chunk = os.read(master, 1024).decode("utf-8", "replace")
            check(chunk, "terminal closed early: " + shown)
            shown += chunk
        os.write(master, (line + "\n").encode())
        shown += "<typed>"
    try:
        while True:
            chunk = os.read(master, 1024)
            if not chunk:
                break
            shown += chunk.decode("utf-8", "replace")
    except OSError:  # EIO: the child closed the terminal
        pass
    stdout = proc.stdout.read()
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, shown, stdout


def password_prompt_on_a_terminal():
    directory, db = fresh_db()
    try:
        args = ["user", "add", "--role", "customer", "--email", "tty@example.com", "--name", "T"]
        status, shown, out = on_terminal(db, args, ["clave-uno-123", "clave-dos-123"])
        check(status == 1 and "do not match" in shown, "mismatch: %d %r" % (status, shown))
        check("clave-" not in shown, "the password was echoed: %r" % shown)
        status, shown, out = on_terminal(db, args, ["clave-uno-123", "clave-uno-123"])
        check(status == 0 and "Added customer tty@example.com" in out, "%d %r %r"
              % (status, shown, out))
        check("clave-" not in shown, "the password was echoed: %r" % shown)
        check(ok(admin(db, "user", "list"), "list").count("tty@example.com") == 1, "listed")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def catalogue_commands():
    directory, db = fresh_db()
    try:
        good = write(directory, "good.csv",
                     "name,kind,price,stock\r\n"
                     "\"Pikachu ex, arte completo\",card,12990,3\r\n"
                     "\"Sobre \"\"Escarlata\"\"\",pack,4500,10\r\n"
                     "Mew,card,30000,0\r\n")
        out = ok(admin(db, "catalogue", "import", good), "import")
        check("Imported 3 products" in out and "3 new, 0 updated" in out, out)
        exported = ok(admin(db, "catalogue", "export"), "export")
        check(exported == "name,kind,price,stock\n"
                          "Mew,card,30000,0\n"
                          "\"Pikachu ex, arte completo\",card,12990,3\n"
                          "\"Sobre \"\"Escarlata\"\"\",pack,4500,10\n", "export:\n" + exported)

        # Update by name, case-insensitively; a new one is created in the same file.
        update = write(directory, "update.csv",
                       "name,kind,price,stock\nMEW,card,31000,2\nCharizard,card,50000,1\n")
        out = ok(admin(db, "catalogue", "import", update), "import update")
        check("1 new, 1 updated" in out, out)
        exported = ok(admin(db, "catalogue", "export"), "export")
        check("MEW,card,31000,2\n" in exported and "Charizard,card,50000,1\n" in exported,
              exported)
        check(exported.count("\n") == 5, "no duplicate Mew:\n" + exported)

        # A bad row anywhere: its line is reported and nothing at all is imported.
        before = exported
        bad_rows = {
            "price": ("name,kind,price,stock\nLugia,card,1000,1\nHo-Oh,card,12.990,1\n", 3),
            "kind": ("name,kind,price,stock\nLugia,card,1000,1\nMew,box,100,1\n", 3),
            "stock": ("name,kind,price,stock\nLugia,card,1000,1\nMEW,card,1,-1\n", 3),
            "fields": ("name,kind,price,stock\nLugia,card,1000,1\n\nSnorlax,card,5\n", 4),
            "quote": ("name,kind,price,stock\nLugia,card,1000,1\n\"Snorlax,card,5,1\n", 3),
            "duplicate": ("name,kind,price,stock\nLugia,card,1000,1\nlugia,card,1,1\n", 3),
            "header": ("Lugia,card,1000,1\n", 1),
        }
        for what, (text, line) in bad_rows.items():
            path = write(directory, what + ".csv", text)
            refused(admin(db, "catalogue", "import", path), 1,
                    r"%s:%d: .*\nNothing was imported\." % (re.escape(path), line), "bad " + what)
            check(ok(admin(db, "catalogue", "export"), "export") == before,
                  "a bad %s row changed the catalogue" % what)

        # A dry run changes nothing.
        out = ok(admin(db, "catalogue", "import", update, "--dry-run"), "dry run")
        check("Dry run: would import 2 products" in out and "0 new, 2 updated" in out, out)
        check(ok(admin(db, "catalogue", "export"), "export") == before, "dry run changed data")

        # Round trip: the export imports back as a no-op update.
        path = write(directory, "roundtrip.csv", before)
        ok(admin(db, "catalogue", "import", path), "import the export")
        check(ok(admin(db, "catalogue", "export"), "export") == before, "round trip")

        refused(admin(db, "catalogue", "import"), 2, r"'--file' is required", "import no file")
        refused(admin(db, "catalogue", "import", os.path.join(directory, "nope.csv")), 1,
                r"cannot read", "import missing file")
        refused(admin(db, "catalogue", "import", good, "extra.csv"), 2, r"", "two files")
        refused(admin(db, "catalogue", "frob"), 2, r"unknown command", "unknown command")
        refused(admin(os.path.join(directory, "missing.db"), "catalogue", "export"), 1,
                r"no database at", "export on a missing db")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def exec_login(port, email, password, code):
    t = Terminal(EXEC, port)
    t.expect(r"usuario: ")
    t.send(email)
    t.expect(r"contraseña: ")
    t.send(password)
    t.expect(r"código 2FA")
    t.send(code)
    return t


def new_executive_enrols_and_logs_in():
    with Server() as server:
        out = ok(admin(server.db, "user", "add", "--role", "executive", "--email",
                       "rosa.diaz@example.com", "--name", "Rosa Díaz",
                       password="clave-ejecutiva"), "add executive")
        secret = re.search(SECRET_RE, out).group(2)
        code = subprocess.check_output(["oathtool", "--totp", "-b", secret], text=True).strip()
        t = exec_login(server.port, "rosa.diaz@example.com", "clave-ejecutiva", code)
        t.expect(r"Hola Rosa, en este momento hay 0 clientes conectados\.")
        t.send(":exit")
        check(t.wait() == 0, "tcs-exec exit:\n" + t.out.text)
        # The same code a second time: refused (RFC 6238 section 5.2), even right away.
        t = exec_login(server.port, "rosa.diaz@example.com", "clave-ejecutiva", code)
        t.expect(r"Ese código 2FA ya se usó: espere el próximo código\.")
        t.kill()
        # A demo executive's code does not open the new account, nor the new secret a demo one.
        t = exec_login(server.port, "rosa.diaz@example.com", "clave-ejecutiva", totp())
        t.expect(r"Código 2FA incorrecto\.|Ese código 2FA ya se usó")
        t.kill()


def new_customer_logs_in_at_once():
    with Server() as server:
        ok(admin(server.db, "user", "add", "--role", "customer", "--email", "Nuevo@Example.com",
                 "--name", "Nuevo Cliente", password="clave-nueva"), "add customer")
        t = customer(server.port, "nuevo@example.com", "clave-nueva")
        t.send("7")
        check(t.wait() == 0, "tcs-client exit:\n" + t.out.text)
        # passwd while the server runs: the old password stops working, the new one works.
        ok(admin(server.db, "user", "passwd", "--email", "nuevo@example.com",
                 password="otra-clave-nueva"), "passwd")
        raw = RawClient(server.port)
        raw.hello()
        reply = raw.login_customer("nuevo@example.com", "clave-nueva")
        check(reply["error"]["code"] == "bad_credentials", repr(reply))
        reply = raw.login_customer("nuevo@example.com", "otra-clave-nueva")
        check(reply["ok"], repr(reply))
        raw.close()


def disabled_accounts_are_logged_out():
    with Server() as server:
        ana, _ = CUSTOMERS[0]
        valentina, _ = EXECUTIVES[0]
        c = customer(server.port, ana)
        e = executive(server.port, valentina)
        ok(admin(server.db, "user", "disable", "--email", ana), "disable customer")
        c.expect(r"Su cuenta fue deshabilitada por un administrador\.", timeout=10)
        check(c.wait() != 0, "tcs-client should exit non-zero after being disabled")
        check("Se perdió la conexión" not in c.out.text, "one message is enough:\n" + c.out.text)
        server.out.wait_for(r"Cliente Ana Rojas: cuenta deshabilitada")

        # An executive in a chat: dropped too, and its customer is told and queued again.
        benjamin = customer(server.port, CUSTOMERS[1][0])
        benjamin.send("6")
        benjamin.expect(r"Está en la cola de espera, posición 1\.")
        e.send(":connect")
        benjamin.expect(r"Lo atiende Valentina Reyes\.")
        ok(admin(server.db, "user", "disable", "--email", valentina), "disable executive")
        e.expect(r"Su cuenta fue deshabilitada por un administrador\.", timeout=10)
        check(e.wait() != 0, "tcs-exec should exit non-zero after being disabled")
        benjamin.expect(r"Valentina se desconectó")
        benjamin.expect(r"cola de espera, posición 1\.")
        benjamin.send(":salir")
        benjamin.expect(r"Ingrese un número:")

        # Logging in again: refused with account_disabled, but only with the right password
        # (a wrong one says bad_credentials, so the flag leaks nothing without the password).
        raw = RawClient(server.port)
        raw.hello()
        reply = raw.login_customer(ana, "mala-clave")
        check(reply["error"]["code"] == "bad_credentials", repr(reply))
        reply = raw.login_customer(ana)
        check(reply["error"]["code"] == "account_disabled", repr(reply))
        raw.close()
        t = Terminal(CLIENT, server.port)
        t.expect(r"usuario: ")
        t.send(ana)
        t.expect(r"contraseña: ")
        t.send(CUSTOMER_PASSWORD)
        t.expect(r"La cuenta está deshabilitada\.")
        t.kill()

        # Enabled again: back in at once. Nobody else was dropped.
        ok(admin(server.db, "user", "enable", "--email", ana), "enable")
        c = customer(server.port, ana)
        time.sleep(3)  # more than one sweep: nobody is dropped
        for t in (c, benjamin):
            t.send("7")
            check(t.wait() == 0, "terminal exit:\n" + t.out.text)
        check(server.stop() == 0, "server exit code")


if __name__ == "__main__":
    run(user_commands)
    run(password_prompt_on_a_terminal)
    run(catalogue_commands)
    run(new_executive_enrols_and_logs_in)
    run(new_customer_logs_in_at_once)
    run(disabled_accounts_are_logged_out)
