"""Certificates for the TLS tests, made with the `openssl` command in a temporary directory:
a test CA, a server certificate it signed (for localhost and 127.0.0.1), an expired one, one
for another name, and a second CA that signed nothing of ours."""
import os
import subprocess
import tempfile

EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


class Certs:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tcs-certs-")
        self.ca = self._ca("ca", "TCS Test CA")
        self.other_ca = self._ca("other-ca", "Otra CA")
        self.server = self.issue("server", "DNS:localhost,IP:127.0.0.1")
        self.expired = self.issue("expired", "DNS:localhost,IP:127.0.0.1", days=-1)
        self.wrong_name = self.issue("wrong-name", "DNS:otro.example")

    def path(self, name):
        return os.path.join(self.dir, name)

    def _ca(self, name, cn):
        _openssl("req", "-x509", *EC, "-keyout", name + ".key", "-out", name + ".pem",
                 "-days", "30", "-subj", "/CN=" + cn, cwd=self.dir)
        return self.path(name + ".pem")

    def issue(self, name, san, days=30):
        """A certificate signed by the test CA: returns (cert path, key path)."""
        with open(self.path(name + ".ext"), "w") as f:
            f.write("subjectAltName=%s\n" % san)
        _openssl("req", *EC, "-keyout", name + ".key", "-out", name + ".csr",
                 "-subj", "/CN=" + name, cwd=self.dir)
        _openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", name + ".pem", "-days", str(days),
                 "-extfile", name + ".ext", cwd=self.dir)
        return self.path(name + ".pem"), self.path(name + ".key")

    def server_args(self, pair=None):
        cert, key = pair or self.server
        return ["--tls-cert", cert, "--tls-key", key]
