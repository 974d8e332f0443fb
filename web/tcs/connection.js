// One WebSocket to tcs-server's /ws speaking the protocol of docs/protocol.md: requests matched
// to replies by id, events to handlers by type, heartbeats answered with a ping.
// The server forgets a connection's session when it closes, so a new connection needs a
// fresh login; the pages decide when to reconnect (see reconnect() below).

const CLOSED_REPLY = {
  ok: false,
  error: { code: "closed", message: "Se perdió la conexión con el servidor." },
};

export function socketUrl(base) {
  const url = new URL(base);
  return `${url.protocol === "https:" ? "wss" : "ws"}://${url.host}/ws`;
}

export class Connection {
  constructor(url, clientName) {
    this.url = url;
    this.clientName = clientName;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = new Map();
    this.opening = null;
    this.onclose = () => {};
    this.expectClose = false;
  }

  on(type, handler) {
    this.handlers.set(type, handler);
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.opening === null;
  }

  // Opens the socket and says hello; resolves when ready, rejects with a Spanish message.
  ensureOpen() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && !this.opening) return Promise.resolve();
    if (this.opening) return this.opening;
    this.opening = new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (e) {
        this.opening = null;
        reject(new Error("No se pudo conectar con el servidor."));
        return;
      }
      this.ws = ws;
      this.expectClose = false;
      ws.onopen = async () => {
        const hello = await this.send("hello", { version: 1, client: this.clientName });
        this.opening = null;
        if (hello.ok) resolve();
        else reject(new Error(hello.error.message));
      };
      ws.onmessage = (e) => this.receive(e.data);
      ws.onclose = () => {
        const wasOpening = this.opening !== null;
        this.opening = null;
        if (this.ws === ws) this.ws = null;
        for (const resolvePending of this.pending.values()) resolvePending(CLOSED_REPLY);
        this.pending.clear();
        if (wasOpening) reject(new Error(this.refusal || "No se pudo conectar con el servidor."));
        else this.onclose({ expected: this.expectClose });
        this.refusal = null;
      };
    });
    return this.opening;
  }

  send(type, fields = {}) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(CLOSED_REPLY);
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ ...fields, type, id }));
    return new Promise((resolve) => this.pending.set(id, resolve));
  }

  // A request on an open, greeted connection.
  async request(type, fields = {}) {
    if (this.opening) {
      try {
        await this.opening;
      } catch (e) {
        return CLOSED_REPLY;
      }
    }
    return this.send(type, fields);
  }

  // Every page of a paged list (docs/protocol.md, "Lists in pages").
  async readAll(type, key, fields = {}) {
    const items = [];
    let after;
    for (;;) {
      const reply = await this.request(type, after === undefined ? fields : { ...fields, after });
      if (!reply.ok) return reply;
      items.push(...reply[key]);
      if (reply.next === undefined) return { ...reply, ok: true, [key]: items };
      after = reply.next;
    }
  }

  receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (msg.id !== undefined && msg.id !== null && this.pending.has(msg.id)) {
      const resolve = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      resolve(msg);
      return;
    }
    if (msg.type === "error" && msg.error) {
      this.refusal = msg.error.message;  // "busy" at the door
      return;
    }
    if (msg.type === "heartbeat") {
      this.send("ping");
      return;
    }
    if (msg.type === "shutdown" || msg.type === "timeout" || msg.type === "account_disabled")
      this.lastNotice = msg.message;
    if (msg.type === "timeout") this.expectClose = true;
    const handler = this.handlers.get(msg.type);
    if (handler) handler(msg);
  }

  close() {
    this.expectClose = true;
    if (this.ws) this.ws.close();
  }
}

// Tries conn.ensureOpen() with growing pauses (1, 2, 4, 8, 10, 10... s) until it works or
// stop() is called; report(text) is told each step in Spanish.
export function reconnect(conn, report, onOpen) {
  let stopped = false;
  let delay = 1;
  let timer = null;
  const attempt = async () => {
    if (stopped) return;
    report("Reconectando…");
    try {
      await conn.ensureOpen();
      if (!stopped) onOpen();
    } catch (e) {
      if (stopped) return;
      report(`Sin conexión con el servidor. Nuevo intento en ${delay} s.`);
      timer = setTimeout(attempt, delay * 1000);
      delay = Math.min(delay * 2, 10);
    }
  };
  timer = setTimeout(attempt, 500);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
