#!/usr/bin/env python3
"""The Debian package end to end (issue 19; CTest label "package", needs root, as CI has).

Builds tcs_<version>_<arch>.deb with cpack from the build folder, checks its metadata
(dependencies from dpkg-shlibdeps, conffiles, maintainer scripts, files), installs it with
dpkg -i, checks what postinst made (the tcs user, /var/lib/tcs 0750, /etc/tcs/tcs.conf, no
unit enabled), verifies the unit with systemd-analyze where available (and prints the
exposure score of `systemd-analyze security`), adds a customer with the installed tcs-server
(which finds the database through /etc/tcs/tcs.conf), starts the installed server as tcs with
the installed configuration on free ports, logs in with the installed tcs-client, reads
/metrics, takes a backup, stops it, purges the package and checks that only the tcs user and
group are left (Debian policy keeps them).

Usage: test_deb.py BUILD_DIR. Exit 77 (skipped) when not root, without dpkg, or when a tcs
package is already installed (this test must not replace an administrator's).
"""
import grp
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
os.environ["TCS_CLIENT"] = "/usr/bin/tcs-client"
os.environ["TCS_SERVER"] = "/usr/bin/tcs-server"
import tcs_e2e  # noqa: E402
from tcs_e2e import Output, check, customer, free_port  # noqa: E402

SKIP = 77


def sh(*args, check_ok=True, **kwargs):
    result = subprocess.run(list(args), capture_output=True, text=True, timeout=300, **kwargs)
    if check_ok and result.returncode != 0:
        tcs_e2e.fail("%s: exit %d\n%s\n%s" % (" ".join(args), result.returncode, result.stdout,
                                             result.stderr))
    return result


def installed(package):
    result = sh("dpkg-query", "-W", "-f=${Status}", package, check_ok=False)
    return result.returncode == 0 and "install ok installed" in result.stdout


def build_package(build_dir, out_dir):
    started = time.monotonic()
    sh("cpack", "-G", "DEB", "--config", os.path.join(build_dir, "CPackConfig.cmake"), "-B",
       out_dir)
    debs = [f for f in os.listdir(out_dir) if f.endswith(".deb")]
    check(len(debs) == 1 and re.match(r"^tcs_\d+\.\d+\.\d+_[a-z0-9]+\.deb$", debs[0]),
          "package name: %r" % debs)
    path = os.path.join(out_dir, debs[0])
    print("  built %s: %.1f MiB in %.0f s" % (debs[0], os.path.getsize(path) / (1 << 20),
                                             time.monotonic() - started))
    return path


def check_metadata(deb):
    info = sh("dpkg-deb", "-f", deb, "Package", "Depends").stdout
    for library in ("libsqlite3", "libsodium", "liboath", "libssl", "libsystemd0", "libicu",
                    "adduser"):
        check(library in info, "Depends lacks %s:\n%s" % (library, info))
    control = tempfile.mkdtemp(prefix="tcs-deb-control-")
    try:
        sh("dpkg-deb", "-e", deb, control)
        with open(os.path.join(control, "conffiles")) as f:
            check(f.read().split() == ["/etc/tcs/tcs.conf"], "conffiles")
        for script in ("postinst", "prerm", "postrm"):
            mode = os.stat(os.path.join(control, script)).st_mode
            check(mode & stat.S_IXUSR, script + " is not executable")
    finally:
        shutil.rmtree(control, ignore_errors=True)
    files = sh("dpkg-deb", "-c", deb).stdout
    for path in ("./usr/bin/tcs-server", "./usr/bin/tcs-client", "./usr/bin/tcs-exec",
                 "./usr/share/tcs/web/", "./usr/share/doc/tcs/README.md",
                 "./usr/share/man/man8/tcs-server.8", "./usr/share/man/man1/tcs-client.1",
                 "./usr/lib/systemd/system/tcs.service", "./etc/tcs/tcs.conf"):
        check(path in files, "the package lacks %s" % path)


def check_installed():
    user = pwd.getpwnam("tcs")
    check(user.pw_uid < 1000 and user.pw_dir == "/var/lib/tcs", "tcs is not a system user")
    st = os.stat("/var/lib/tcs")
    check(stat.S_IMODE(st.st_mode) == 0o750 and st.st_uid == user.pw_uid,
          "/var/lib/tcs: mode %o uid %d" % (stat.S_IMODE(st.st_mode), st.st_uid))
    st = os.stat("/etc/tcs/tcs.conf")
    check(stat.S_IMODE(st.st_mode) == 0o640 and st.st_gid == grp.getgrnam("tcs").gr_gid,
          "/etc/tcs/tcs.conf: mode %o" % stat.S_IMODE(st.st_mode))
    check(not os.path.exists("/etc/systemd/system/multi-user.target.wants/tcs.service"),
          "the package must not enable the unit")
    check(sh("man", "-w", "tcs-server", check_ok=False).returncode == 0 or
          not shutil.which("man"), "man tcs-server")


def check_unit():
    if not shutil.which("systemd-analyze"):
        print("  systemd-analyze not installed: unit not verified")
        return
    unit = "/usr/lib/systemd/system/tcs.service"
    result = sh("systemd-analyze", "verify", unit, check_ok=False)
    problems = [l for l in (result.stdout + result.stderr).split("\n")
                if "tcs.service" in l and "Failed to" not in l]
    check(result.returncode == 0 or not problems,
          "systemd-analyze verify:\n" + result.stdout + result.stderr)
    result = sh("systemd-analyze", "security", "--offline=true", unit, check_ok=False)
    score = re.search(r"Overall exposure level for tcs.service: ([\d.]+) (\w+)", result.stdout)
    if score:
        print("  systemd-analyze security: exposure %s %s" % (score.group(1), score.group(2)))
        check(float(score.group(1)) <= 2.0, "exposure above 2.0:\n" + result.stdout)
    else:
        print("  systemd-analyze security could not score the unit here: " +
              (result.stderr or result.stdout).strip()[:300])


def as_tcs(*args, **kwargs):
    return sh("runuser", "-u", "tcs", "--", *args, cwd="/var/lib/tcs", **kwargs)


def run_installed_server():
    # An account, made with the installed program: it finds /var/lib/tcs/tcs.db through the
    # installed /etc/tcs/tcs.conf.
    as_tcs("/usr/bin/tcs-server", "user", "add", "--role", "customer",
           "--email", "nora.silva@example.com", "--name", "Nora Silva", input="clave-segura\n")
    check(os.path.exists("/var/lib/tcs/tcs.db"), "the configured database was not used")
    port, web_port = free_port(), free_port()
    server = subprocess.Popen(
        # setpriv execs the server itself (runuser would stand between it and the signal).
        ["setpriv", "--reuid=tcs", "--regid=tcs", "--init-groups", "/usr/bin/tcs-server", "--config", "/etc/tcs/tcs.conf",
         "--port", str(port), "--web-port", str(web_port)],
        cwd="/var/lib/tcs", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = Output(server.stdout)
    try:
        out.wait_for(r"Escuchando en 127\.0\.0\.1:%d\." % port, timeout=60)
        out.wait_for(r"Web en http://127\.0\.0\.1:%d/ \(archivos de /usr/share/tcs/web\)"
                     % web_port, timeout=60)
        client = customer(port, email="nora.silva@example.com", password="clave-segura")
        out.wait_for(r"Cliente Nora Silva conectado")
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", web_port, timeout=20)
        conn.request("GET", "/metrics")
        body = conn.getresponse().read().decode()
        check('tcs_logins_total{outcome="ok"} 1' in body, body[:2000])
        conn.request("GET", "/")
        check(conn.getresponse().status == 200, "the installed web files")
        conn.close()
        client.send("7")  # leave
        check(client.wait() == 0, "the installed tcs-client's exit status")
        backup = as_tcs("/usr/bin/tcs-server", "backup", "--to", "/var/lib/tcs/backup.db")
        check("integrity ok; 1 customers" in backup.stdout, backup.stdout)
        server.terminate()
        check(server.wait(20) == 0, "the installed server's exit status")
        out.thread.join(timeout=5)
        check("Servidor detenido." in out.text, out.text)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def check_purged():
    check(not installed("tcs"), "tcs still installed")
    for path in ("/usr/bin/tcs-server", "/usr/bin/tcs-client", "/usr/bin/tcs-exec",
                 "/usr/share/tcs", "/usr/share/doc/tcs", "/usr/lib/systemd/system/tcs.service",
                 "/usr/share/man/man8/tcs-server.8", "/etc/tcs", "/var/lib/tcs"):
        check(not os.path.lexists(path), "%s is left after the purge" % path)
    leftovers = sh("dpkg", "-S", "tcs-server", check_ok=False).stdout
    check("tcs:" not in leftovers, leftovers)
    # Debian policy: the system user and group stay.
    pwd.getpwnam("tcs")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_deb.py BUILD_DIR")
    if os.geteuid() != 0 or not shutil.which("dpkg") or not shutil.which("cpack"):
        print("skipped: needs root, dpkg and cpack")
        sys.exit(SKIP)
    if installed("tcs"):
        print("skipped: a tcs package is already installed here")
        sys.exit(SKIP)
    out_dir = tempfile.mkdtemp(prefix="tcs-deb-")
    started = time.monotonic()
    try:
        deb = build_package(os.path.abspath(sys.argv[1]), out_dir)
        check_metadata(deb)
        sh("dpkg", "-i", deb, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        try:
            check_installed()
            check_unit()
            run_installed_server()
        finally:
            sh("dpkg", "--purge", "tcs", check_ok=False)
        check_purged()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
        if installed("tcs"):
            sh("dpkg", "--purge", "tcs", check_ok=False)
    print("ok: the package builds, installs, serves and purges (%.0f s)"
          % (time.monotonic() - started))


if __name__ == "__main__":
    main()
