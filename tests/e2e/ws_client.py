"""A WebSocket client for the tests (RFC 6455, standard library only): the HTTP upgrade, masked
client frames (text, binary, any opcode, fragments), and message reading that answers pings
and reports the server's close code. Over plain TCP or TLS (an ssl.SSLContext)."""
import base64
import hashlib
import json
import os
import socket
import struct

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x2, 0x8, 0x9, 0xA, 0x0


class UpgradeRefused(Exception):
    def __init__(self, status, head):
        super().__init__("upgrade refused: %d" % status)
        self.status = status
        self.head = head


def encode_frame(opcode, payload, fin=True):
    """One masked client frame."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def text_frame(message):
    """A JSON message (dict) or raw payload (bytes/str) as one masked text frame."""
    if isinstance(message, dict):
        message = json.dumps(message, ensure_ascii=False)
    return encode_frame(TEXT, message)


def read_http_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


class WebSocket:
    def __init__(self, port, host="127.0.0.1", path="/ws", origin=None, timeout=20,
                 tls=None, server_hostname="localhost", headers=None):
        sock = socket.create_connection((host, port), timeout=timeout)
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=server_hostname)
        self.sock = sock
        self.buffer = b""
        self.close_code = None
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: %s:%d" % (host, port),
                 "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
        if origin:
            lines.append("Origin: " + origin)
        lines += list(headers or [])
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            head, self.buffer = read_http_head(sock)
        except ConnectionResetError:
            head, self.buffer = "", b""  # refused: the close reset the connection
        status = int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else 0
        if status != 101:
            sock.close()
            raise UpgradeRefused(status, head)
        accept = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
        if ("sec-websocket-accept: " + accept.lower()) not in head.lower():
            raise AssertionError("bad Sec-WebSocket-Accept:\n" + head)

    def send_bytes(self, data):
        self.sock.sendall(data)

    def send_text(self, payload):
        self.sock.sendall(encode_frame(TEXT, payload))

    def _need(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk

    def _frame(self):
        self._need(2)
        b0, b1 = self.buffer[0], self.buffer[1]
        n, pos = b1 & 0x7F, 2
        if n == 126:
            self._need(4)
            n, pos = struct.unpack(">H", self.buffer[2:4])[0], 4
        elif n == 127:
            self._need(10)
            n, pos = struct.unpack(">Q", self.buffer[2:10])[0], 10
        self._need(pos + n)
        payload = self.buffer[pos:pos + n]
        self.buffer = self.buffer[pos + n:]
        return b0 & 0x80, b0 & 0x0F, payload

    def recv_message(self):
        """(opcode, payload) of the next message; (CLOSE, code) at a close frame; None when
        the connection ended without one (or timed out)."""
        parts, opcode = [], None
        try:
            while True:
                fin, op, payload = self._frame()
                if op == PING:
                    self.sock.sendall(encode_frame(PONG, payload))
                    continue
                if op == CLOSE:
                    self.close_code = struct.unpack(">H", payload[:2])[0] if payload else 1005
                    return CLOSE, self.close_code
                if op != CONTINUATION:
                    opcode = op
                parts.append(payload)
                if fin:
                    return opcode, b"".join(parts)
        except (EOFError, ConnectionResetError, socket.timeout, OSError):
            return None

    def close(self):
        try:
            self.sock.sendall(encode_frame(CLOSE, struct.pack(">H", 1000)))
        except OSError:
            pass
        self.sock.close()


def http_get(port, target, headers=(), host="127.0.0.1", timeout=20, method="GET"):
    """(status, {lower-case header: value}, body) of one HTTP/1.1 request, written raw so
    that any target (../, %2e%2e) reaches the server as it is."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        lines = ["%s %s HTTP/1.1" % (method, target), "Host: %s:%d" % (host, port)]
        if not any(h.lower().startswith("connection:") for h in headers):
            lines.append("Connection: close")
        lines += list(headers)
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split(" ")[1]) if head_lines[0].startswith("HTTP/") else 0
    fields = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return status, fields, body
