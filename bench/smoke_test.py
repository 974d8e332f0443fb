#!/usr/bin/env python3
"""Smoke run of one tcs-bench scenario (CTest label "bench"): a fresh database with a few bench
accounts, a real tcs-server, a short run with small counts. Checks only that the run completes
and reports sane numbers (no errors, operations done, ordered percentiles, the purchases'
stock exact); never how fast anything is.

Usage: bench/smoke_test.py sessions|relay|requests|purchases|login-storm
Binaries: TCS_SERVER and TCS_BENCH (set by CTest), or build/ at the top of the repository.
"""
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.environ.get("TCS_SERVER", os.path.join(ROOT, "build/server/tcs-server"))
BENCH = os.environ.get("TCS_BENCH", os.path.join(ROOT, "build/bench/tcs-bench"))

# scenario -> (count, extra options); small enough for a few seconds, also under ASan.
RUNS = {
    "sessions": (60, ["--executives", "3"]),
    "relay": (5, []),
    "requests": (5, []),
    "purchases": (5, []),
    "login-storm": (5, ["--pairs", "3", "--storm-accounts", "3"]),
}


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sane(value, name):
    check(isinstance(value, (int, float)) and not isinstance(value, bool), name + " not a number")
    check(math.isfinite(value) and value >= 0, "%s = %r" % (name, value))


def check_window(result, prefix=""):
    p = prefix + "_" if prefix else ""
    check(result[p + "ops"] > 0, "no %soperations completed: %r" % (p, result))
    check(result[p + "samples"] == result[p + "ops"], p + "samples != ops")
    for field in ("ops_per_s", "p50_us", "p90_us", "p99_us", "max_us", "server_cpu_s",
                  "server_cpu_us_per_op", "bench_cpu_us_per_op"):
        sane(result[p + field], p + field)
    check(0 < result[p + "p50_us"] <= result[p + "p90_us"] <= result[p + "p99_us"]
          <= result[p + "max_us"], "%spercentiles out of order: %r" % (p, result))
    check(result[p + "server_rss_kb"] > 0, p + "server RSS not read")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in RUNS:
        fail("usage: smoke_test.py " + "|".join(RUNS))
    scenario = sys.argv[1]
    count, extra = RUNS[scenario]
    with tempfile.TemporaryDirectory(prefix="tcs-bench-smoke-") as work:
        db = os.path.join(work, "tcs.db")
        accounts = [[BENCH, "accounts", "--db", db, "--customers", "70", "--executives",
                     "10", "--insecure-fast-hash", "--product-stock", "1000000"]]
        if scenario == "login-storm":
            accounts.append([BENCH, "accounts", "--db", db, "--prefix", "storm",
                             "--customers", "3"])
        for cmd in accounts:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            check(done.returncode == 0, "tcs-bench accounts failed: " + done.stderr)

        port = free_port()
        log = open(os.path.join(work, "server.log"), "w")
        # Every bench connection comes from 127.0.0.1: lift the per-address login limits.
        server = subprocess.Popen([SERVER, "--db", db, "--port", str(port), "--web-port", "0",
                                   "--address-slow-after", "1000000", "--hash-queue", "1000000",
                                   "--hash-queue-per-address", "1000000"], stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 20
            while True:
                check(server.poll() is None, "the server exited at start")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    check(time.time() < deadline, "the server did not listen")
                    time.sleep(0.05)
            cmd = [BENCH, scenario, str(count), "--port", str(port), "--server-pid",
                   str(server.pid), "--duration", "2", "--warmup", "0.5"] + extra
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=150)
            print(done.stdout)
            check(done.returncode == 0, "tcs-bench exited %d: %s" % (done.returncode, done.stderr))
            results = [l for l in done.stdout.splitlines() if l.startswith("RESULT ")]
            check(len(results) == 1, "expected one RESULT line")
            result = json.loads(results[0][len("RESULT "):])
            check(result["scenario"] == scenario and result["errors"] == 0, "errors: %r" % result)
            if scenario == "sessions":
                check(result["established"] == result["connections"] == count + 3,
                      "not every session was established: %r" % result)
                check_window(result, "setup")
                # RSS growth over few sessions may even be negative (memory handed back).
                check(math.isfinite(result["rss_per_connection_bytes"]), "RSS per connection")
                sane(result["idle_cpu_percent"], "idle_cpu_percent")
            elif scenario == "login-storm":
                check_window(result, "calm")
                check_window(result, "storm")
                check(result["logins_completed"] > 0, "no storm login completed")
                sane(result["p99_ratio"], "p99_ratio")
            else:
                check_window(result)
            if scenario == "purchases":
                check(result["stock_ok"] is True, "stock mismatch: %r" % result)
                check(result["stock_before"] - result["stock_after"] == result["acknowledged"],
                      "stock arithmetic")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                code = server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                fail("the server did not stop on SIGTERM")
            log.close()
        check(code == 0, "the server exited %d on SIGTERM" % code)
    print("ok: %s smoke run" % scenario)


if __name__ == "__main__":
    main()
