"""Running tcs for real (issue 19): the configuration file and its errors, the command line
around the subcommands, `backup` during a purchase load and `restore`, GET /metrics after a
scripted session (parsed by the exposition format's rules), and the systemd integration
(sd_notify READY/STOPPING, journald priority prefixes)."""
import http.client
import importlib.machinery
import importlib.util
import math
import random
import signal as signals
import threading

from tcs_e2e import *


def tcs(*args, timeout=60, **kwargs):
    return subprocess.run([SERVER] + list(args), capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def config_file():
    directory = tempfile.mkdtemp(prefix="tcs-ops-")
    try:
        port, db = free_port(), os.path.join(directory, "tcs.db")
        conf = write(os.path.join(directory, "tcs.conf"),
                     "# test\nport = %d\nweb-port = 0\ndb = %s\n" % (port, db))
        # The file's settings are used; the command line wins over them.
        server = subprocess.Popen([SERVER, "--config", conf, "--demo"], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        out = Output(server.stdout)
        out.wait_for(r"Escuchando en 127\.0\.0\.1:%d\." % port, timeout=60)
        check(os.path.exists(db), "the configured database was not created")
        client = RawClient(port)
        client.hello()
        client.close()
        # A subcommand finds the database through the same file, on either side.
        for args in (["--config", conf, "user", "list"], ["user", "list", "--config", conf]):
            result = tcs(*args)
            check(result.returncode == 0 and "ana.rojas@example.com" in result.stdout,
                  "%r: %r" % (args, result))
        server.terminate()
        check(server.wait(15) == 0, "server exit")
        other = free_port()
        server = subprocess.Popen([SERVER, "--config", conf, "--port", str(other)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = Output(server.stdout)
        out.wait_for(r"Escuchando en 127\.0\.0\.1:%d\." % other, timeout=60)
        server.terminate()
        server.wait(15)
        # Options common to the server and the subcommands go on either side.
        result = tcs("--db", db, "user", "list")
        check(result.returncode == 0 and "ana.rojas" in result.stdout, repr(result))
        result = tcs("--port", "6000", "user", "list", "--db", db)
        check(result.returncode == 2 and "only --db and --config go before" in result.stderr,
              repr(result))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def config_errors():
    directory = tempfile.mkdtemp(prefix="tcs-ops-")
    try:
        cases = [
            ("port = 6000\nlisten = 1\n", r":2: unknown option \"listen\""),
            ("\nport = lots\n", r":2: the argument \('lots'\) for option 'port' is invalid"),
            ("hash-threads = 2\nassignment = random\n", r":2: --assignment must be manual or auto"),
            ("port: 6000\n", r":1: expected \"key = value\""),
        ]
        for i, (text, pattern) in enumerate(cases):
            conf = write(os.path.join(directory, "bad%d.conf" % i), text)
            started = time.monotonic()
            result = tcs("--config", conf, "--port", str(free_port()), "--web-port", "0",
                         "--db", os.path.join(directory, "x.db"), timeout=20)
            check(result.returncode == 2, "%r: exit %d" % (text, result.returncode))
            check(re.search(re.escape(conf) + pattern, result.stderr),
                  "%r: stderr %r" % (text, result.stderr))
            check(time.monotonic() - started < 10, "a bad configuration must stop at once")
        result = tcs("--config", os.path.join(directory, "missing.conf"))
        check(result.returncode == 2 and "missing.conf: cannot read: No such file or directory"
              in result.stderr, repr(result))
        result = tcs("--config", directory)
        check(result.returncode == 2 and "cannot read: it is a directory" in result.stderr,
              repr(result))
        # Stray words stop the start instead of serving on the default port.
        for args in (["lista"], ["reporte", "hoy"], ["--web-port", "0", "stats"]):
            result = tcs(*args, timeout=20)
            check(result.returncode == 2 and "unexpected word" in result.stderr,
                  "%r: %r" % (args, result))
        check(not os.path.exists(os.path.join(directory, "x.db")), "no database was to be made")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def load_crash_test():
    path = os.path.join(ROOT, "scripts", "crash-test")
    loader = importlib.machinery.SourceFileLoader("crash_test", path)
    spec = importlib.util.spec_from_loader("crash_test", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    module.SERVER = SERVER
    return module


def backup_during_load():
    crash = load_crash_test()
    directory = tempfile.mkdtemp(prefix="tcs-backup-")
    db = os.path.join(directory, "tcs.db")
    backup = os.path.join(directory, "backup.db")
    server = None
    try:
        if DEMO_TEMPLATE and os.path.exists(DEMO_TEMPLATE):
            shutil.copyfile(DEMO_TEMPLATE, db)
            server = crash.Server(db, demo=False)
        else:
            server = crash.Server(db, demo=True)
        stock, held, ops, _lines, _events = crash.read_db(db)
        base = (stock, held, set(ops))
        products = sorted(stock)
        ledger = crash.Ledger()
        stop = threading.Event()
        logged_in = threading.Semaphore(0)
        threads = []
        for i, email in enumerate(crash.CUSTOMERS):
            t = threading.Thread(target=crash.worker, daemon=True, args=(
                server.port, email + "@example.com", products, ledger, random.Random(i), stop,
                logged_in))
            t.start()
            threads.append(t)
        for _ in crash.CUSTOMERS:
            logged_in.acquire()
        time.sleep(1.0)
        # What was acknowledged before the backup began must be in it.
        before = crash.Ledger()
        with ledger.lock:
            before.purchases = dict(ledger.purchases)
            before.returns = set(ledger.returns)
        result = tcs("backup", "--db", db, "--to", backup)
        check(result.returncode == 0, "backup: %r" % result)
        check(re.search(r"^Backed up .* in \d+ ms: [\d.]+ [KM]iB, schema \d+, integrity ok; "
                        r"\d+ customers, \d+ executives, \d+ products, \d+ operations",
                        result.stdout), result.stdout)
        time.sleep(0.5)  # the load goes on after the backup
        with ledger.lock:
            after = len(ledger.purchases)
        # Restoring into the running server's database is refused.
        result = tcs("restore", "--from", backup, "--db", db)
        check(result.returncode == 1 and "is in use" in result.stderr, repr(result))
        stop.set()
        for t in threads:
            t.join(timeout=30)
        check(not ledger.errors, "; ".join(ledger.errors))
        check(len(before.purchases) > 0, "no purchase before the backup: nothing was tested")
        check(after > len(before.purchases), "no purchase during or after the backup")
        check(not os.path.exists(backup + "-wal"), "the backup is one self-contained file")
        # The backup (restored into a new file) holds every purchase acknowledged before it
        # began, and its stock is consistent with the operations it holds.
        restored = os.path.join(directory, "restored.db")
        result = tcs("restore", "--from", backup, "--db", restored)
        check(result.returncode == 0 and "integrity ok" in result.stdout, repr(result))
        purchases, returns = crash.verify(restored, base, before)
        print("  backup during load: %d purchases acknowledged before it, %d in it (%d "
              "returned), %d acknowledged by the end" % (len(before.purchases), purchases,
                                                          returns, len(ledger.purchases)))
        # With the server stopped, restore puts the backup back over the live database.
        server.proc.terminate()
        server.proc.wait(15)
        result = tcs("restore", "--from", backup, "--db", db)
        check(result.returncode == 0, repr(result))
        check(os.path.exists(db + ".before-restore"), "the previous database was not kept")
        crash.verify(db, base, before)
        # The restored database serves.
        server = crash.Server(db, demo=False)
        client = RawClient(server.port)
        client.hello()
        reply = client.login_customer()
        check(reply and reply["ok"], repr(reply))
        client.close()
    finally:
        if server is not None and server.proc.poll() is None:
            server.kill()
        shutil.rmtree(directory, ignore_errors=True)


SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def parse_metrics(text):
    """Parses the text format 0.0.4, checking its rules; returns {(name, labels): value}."""
    check(text.endswith("\n"), "the page must end with a newline")
    types, samples, family = {}, {}, None
    for line in text.split("\n")[:-1]:
        if line.startswith("# HELP "):
            family = line.split(" ")[2]
            check(family not in types, "family %s described twice" % family)
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            check(name == family, "TYPE %s after HELP %s" % (name, family))
            check(kind in ("counter", "gauge", "histogram", "summary", "untyped"), line)
            types[name] = kind
            continue
        check(not line.startswith("#") and line.strip(), "stray line %r" % line)
        m = SAMPLE_RE.match(line)
        check(m, "not a sample line: %r" % line)
        name, labels_text, value = m.group(1), m.group(3) or "", m.group(4)
        labels = []
        pos = 0
        while pos < len(labels_text):
            lm = LABEL_RE.match(labels_text, pos)
            check(lm, "bad labels in %r" % line)
            labels.append((lm.group(1), lm.group(2)))
            pos = lm.end()
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        owner = name if name in types else base
        check(owner == family, "sample %s outside its family %s" % (name, family))
        number = float(value)
        check(not math.isnan(number), line)
        if types[owner] == "counter":
            check(number >= 0, "negative counter: " + line)
        key = (name, tuple(labels))
        check(key not in samples, "duplicate sample " + line)
        samples[key] = number
    # Histograms: cumulative buckets ending in +Inf = _count.
    for name, kind in types.items():
        if kind != "histogram":
            continue
        buckets = [(dict(l)["le"], v) for (n, l), v in samples.items() if n == name + "_bucket"]
        check(buckets and buckets[-1][0] == "+Inf", "%s: no +Inf bucket" % name)
        values = [v for _, v in buckets]
        check(values == sorted(values), "%s: buckets not cumulative" % name)
        check(values[-1] == samples[(name + "_count", ())], "%s: +Inf != _count" % name)
    return types, samples


def get(port, path, host="127.0.0.1"):
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    conn.request("GET", path)
    res = conn.getresponse()
    body = res.read().decode("utf-8")
    conn.close()
    return res.status, res.getheader("Content-Type"), body


def metrics_after_session():
    with Server(web=True) as server:
        client = RawClient(server.port)
        client.hello()
        reply = client.login_customer(password="wrong-password")
        check(reply and not reply["ok"], repr(reply))
        reply = client.login_customer()
        check(reply and reply["ok"], repr(reply))
        catalogue = client.request("catalogue")
        product = next(p for p in catalogue["products"] if p["stock"] > 0)
        bought = client.request("purchase", lines=[{"product_id": product["id"], "quantity": 1}])
        check(bought["ok"], repr(bought))
        returned = client.request("return", operation_id=bought["operation_id"])
        check(returned["ok"], repr(returned))
        reply = client.request("chat.send", text="hola")
        check(not reply["ok"] and reply["error"]["code"] == "not_in_chat", repr(reply))
        status, content_type, body = get(server.web_port, "/metrics")
        check(status == 200, "GET /metrics: %d" % status)
        check(content_type == "text/plain; version=0.0.4; charset=utf-8", content_type)
        types, samples = parse_metrics(body)

        def value(name, **labels):
            key = (name, tuple(labels.items()))
            check(key in samples, "no sample %s%r in:\n%s" % (name, labels, body))
            return samples[key]

        check(value("tcs_logins_total", outcome="ok") == 1, body)
        check(value("tcs_logins_total", outcome="error") == 1, body)
        check(value("tcs_purchases_total") == 1, body)
        check(value("tcs_returns_total") == 1, body)
        check(value("tcs_chat_lines_total") == 0, body)
        check(value("tcs_requests_total", type="purchase", outcome="ok") == 1, body)
        check(value("tcs_requests_total", type="hello", outcome="ok") == 1, body)
        check(value("tcs_requests_total", type="chat.send", outcome="error") == 1, body)
        check(value("tcs_request_errors_total", type="chat.send", code="not_in_chat") == 1, body)
        check(value("tcs_request_duration_seconds_count", type="login") == 2, body)
        check(value("tcs_request_latency_seconds_count") == 7, body)
        check(types["tcs_request_latency_seconds"] == "histogram", body)
        check(value("tcs_connections", role="customer") == 1, body)
        check(value("tcs_connections_accepted_total", transport="tcp") == 1, body)
        check(value("tcs_support_queue_length") == 0, body)
        check(value("tcs_wal_syncs_total") >= 1, body)
        check(types["tcs_wal_sync_duration_seconds"] == "histogram", body)
        check(value("process_resident_memory_bytes") > 1 << 20, body)
        client.request("logout")
        client.close()
        check(get(server.web_port, "/healthz")[0] == 200, "healthz")


def local_address():
    """A non-loopback address of this machine, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            address = s.getsockname()[0]
        return None if address.startswith("127.") else address
    except OSError:
        return None


def metrics_restricted():
    address = local_address()
    if address is None:
        print("  (no non-loopback address here: only loopback checked)")
    with Server(web=True, extra_args=["--host", "0.0.0.0", "--allow-plaintext"]) as server:
        check(get(server.web_port, "/metrics")[0] == 200, "loopback may read /metrics")
        if address:
            check(get(server.web_port, "/metrics", host=address)[0] == 403,
                  "%s must not read /metrics" % address)
            check(get(server.web_port, "/healthz", host=address)[0] == 200, "healthz is public")
    if address:
        with Server(web=True, extra_args=["--host", "0.0.0.0", "--allow-plaintext",
                                          "--metrics-allow", address + "/32"]) as server:
            check(get(server.web_port, "/metrics", host=address)[0] == 200,
                  "--metrics-allow %s/32" % address)
    result = tcs("--metrics-allow", "not-an-address", "--web-port", "0", timeout=20)
    check(result.returncode == 2 and "--metrics-allow not-an-address" in result.stderr,
          repr(result))


def systemd_notify_and_journal():
    directory = tempfile.mkdtemp(prefix="tcs-sd-")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        notify_path = os.path.join(directory, "notify")
        notify.bind(notify_path)
        notify.settimeout(TIMEOUT)
        read_end, write_end = os.pipe()
        st = os.fstat(write_end)
        env = dict(os.environ, NOTIFY_SOCKET=notify_path,
                   JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
        port = free_port()
        proc = subprocess.Popen([SERVER, "--port", str(port), "--web-port", "0", "--db",
                                 os.path.join(directory, "tcs.db")],
                                stdout=write_end, stderr=subprocess.STDOUT, env=env)
        os.close(write_end)
        out = Output(os.fdopen(read_end, "rb"))
        out.wait_for(r"Escuchando en", timeout=60)
        ready = notify.recv(4096).decode()
        check("READY=1" in ready, "notification: %r" % ready)
        # Ready means listening: a connection is accepted now.
        client = RawClient(port)
        client.hello()
        client.close()
        proc.send_signal(signals.SIGTERM)
        stopping = notify.recv(4096).decode()
        check("STOPPING=1" in stopping, "notification: %r" % stopping)
        check(proc.wait(15) == 0, "exit status")
        out.thread.join(timeout=5)
        lines = [l for l in out.text.split("\n") if l]
        check(lines and all(re.match(r"<[36]>\[(SERVIDOR|ERROR)\] ", l) for l in lines),
              "journal lines need a priority prefix and no timestamp:\n" + out.text)
        check(any(l.startswith("<6>[SERVIDOR] Escuchando en") for l in lines), out.text)
    finally:
        notify.close()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    run(config_file)
    run(config_errors)
    run(backup_during_load)
    run(metrics_after_session)
    run(metrics_restricted)
    run(systemd_notify_and_journal)
