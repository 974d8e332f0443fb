// The executives' console (/ejecutivo): login with the 2FA code, the queue and the connected
// customers kept up to date, the chat with the current customer and the :history, :operations,
// :buy, :publish and :disconnect of tcs-exec as buttons and forms.
import { Connection, reconnect, socketUrl } from "../tcs/connection.js";
import { ACTIONS, clock, dateTime, duration, el, operationDetails, price } from "../tcs/format.js";

const $ = (id) => document.getElementById(id);
const conn = new Connection(socketUrl(location.href), "tcs-web-console/0.1");
const me = { name: null, first: null, available: true, customer: null };
let queue = { entries: [], at: 0, waiting: 0 };
let refreshTimer = null;

function say(text, error = false) {
  $("ex-status").textContent = text || "";
  $("ex-status").className = error ? "ex-status ex-error" : "ex-status";
}
async function ask(type, fields = {}) {
  const reply = await conn.request(type, fields);
  if (!reply.ok) say(reply.error.message, true);
  return reply;
}

// --- login and logout ---
$("ex-login").addEventListener("submit", async (e) => {
  e.preventDefault();
  say("Ingresando…");
  try {
    await conn.ensureOpen();
  } catch (err) {
    say(err.message, true);
    return;
  }
  const reply = await ask("login", { role: "executive", email: $("ex-email").value.trim(),
    password: $("ex-password").value, totp: $("ex-totp").value.trim() });
  if (!reply.ok) {
    const code = reply.error.code;
    const target = code === "bad_totp" || code === "totp_used" ? $("ex-totp") : $("ex-password");
    target.value = "";
    target.focus();
    return;
  }
  me.name = reply.name;
  me.first = reply.first_name;
  $("ex-password").value = "";
  $("ex-totp").value = "";
  $("ex-login").hidden = true;
  $("ex-desk").hidden = false;
  $("ex-user").hidden = false;
  $("ex-name").textContent = reply.name;
  say(`Hola ${reply.first_name}, en este momento hay ${reply.customers_online} ` +
    `${reply.customers_online === 1 ? "cliente conectado" : "clientes conectados"}.`);
  setChat(null);
  refresh();
  loadCatalogue();
  refreshTimer = setInterval(refresh, 10000);
  $("ex-connect").focus();
});

function loggedOut(note, error = false) {
  clearInterval(refreshTimer);
  me.name = null;
  $("ex-desk").hidden = true;
  $("ex-user").hidden = true;
  $("ex-login").hidden = false;
  document.title = "Consola de ejecutivos · TC5G";
  say(note, error);
  $("ex-password").focus();
}

$("ex-logout").addEventListener("click", async () => {
  conn.expectClose = true;
  await conn.request("logout");
  loggedOut("Sesión cerrada.");
});

conn.onclose = ({ expected }) => {
  if (me.name === null || expected) return;
  loggedOut((conn.lastNotice ? conn.lastNotice + " " : "") + "Se perdió la conexión. Reconectando…", true);
  reconnect(conn, (text) => say(text, true),
    () => say("Conexión restablecida. Ingrese de nuevo con un código nuevo."));
};

// --- queue and customers ---
async function refresh() {
  if (me.name === null) return;
  const status = await conn.request("status", {});
  if (status.ok) {
    queue = { entries: status.queue, at: Date.now(), waiting: status.waiting };
    drawQueue();
  }
  const details = await conn.readAll("details", "customers");
  if (details.ok) drawCustomers(details.customers);
}

function drawQueue() {
  const waited = (Date.now() - queue.at) / 1000;
  $("ex-queue-title").textContent = `Cola de espera (${queue.waiting})`;
  $("ex-queue").replaceChildren(...queue.entries.map((q) => el("li", {},
    `${q.position}. ${q.name} `, el("span", { class: "ex-small" },
      `(${q.email}), esperando ${duration(q.waiting_s + waited)}`))));
  $("ex-connect").disabled = queue.waiting === 0 || me.customer !== null || !me.available;
  document.title = queue.waiting > 0
    ? `(${queue.waiting}) Cliente esperando · Consola TC5G` : "Consola de ejecutivos · TC5G";
}
setInterval(() => { if (me.name !== null && queue.waiting > 0) drawQueue(); }, 1000);

const PLACES = { menu: "en el menú", queue: "en la cola", chat: "en una conversación" };
function drawCustomers(customers) {
  $("ex-customers-title").textContent = `Clientes conectados (${customers.length})`;
  $("ex-customers").replaceChildren(...customers.map((c) => {
    const last = c.last_action;
    return el("li", {}, `${c.name} `, el("span", { class: "ex-small" }, `(${c.email}) · ` +
      `${PLACES[c.state] || c.state}${c.position ? ` (posición ${c.position})` : ""}`),
    el("br"), el("span", { class: "ex-small" }, last
      ? `Última acción: ${ACTIONS[last.action] || last.action}${last.detail ? ` (${last.detail})` : ""}` +
        `${last.outcome !== "ok" ? `, rechazada (${last.outcome})` : ""} · ${dateTime(last.at)}`
      : "Sin acciones todavía"));
  }));
}

for (const type of ["queue.joined", "queue.left", "queue.count", "queue.waiting"])
  conn.on(type, (msg) => {
    refresh();
    if (type === "queue.joined") notify(`${msg.customer.name} espera en la cola.`);
  });

let notificationsAllowed = false;
$("ex-notify").addEventListener("click", async () => {
  if (!("Notification" in window)) { say("Este navegador no muestra avisos."); return; }
  notificationsAllowed = (await Notification.requestPermission()) === "granted";
  say(notificationsAllowed ? "Avisos activados." : "El navegador no permitió los avisos.");
});
function notify(text) {
  if (notificationsAllowed && document.hidden) new Notification("Consola TC5G", { body: text });
}

$("ex-availability").addEventListener("click", async () => {
  const reply = await ask("availability", { available: !me.available });
  if (!reply.ok) return;
  me.available = reply.available;
  $("ex-availability").setAttribute("aria-pressed", String(me.available));
  $("ex-availability").textContent = me.available ? "Disponible" : "Ausente";
  refresh();
});

// --- the chat ---
function setChat(customer) {
  me.customer = customer;
  $("ex-chat-title").textContent = customer ? `Conversación con ${customer.name}` : "Sin conversación";
  for (const id of ["ex-activity", "ex-operations", "ex-end"]) $(id).disabled = !customer;
  $("ex-compose").querySelector("[type=submit]").disabled = !customer;
  $("ex-buy").querySelector("button").disabled = !customer;
  if (customer) {
    $("ex-log").replaceChildren();
    $("ex-sheet").replaceChildren();
    $("ex-buy-result").textContent = "";
  }
  drawQueue();
}
function note(text) {
  $("ex-log").append(el("li", { class: "ex-note" }, text));
  $("ex-log").scrollTop = $("ex-log").scrollHeight;
}
function line(from, text, at, cls) {
  $("ex-log").append(el("li", { class: cls }, el("span", { class: "ex-small" }, `[${clock(at)}] ${from}: `), text));
  $("ex-log").scrollTop = $("ex-log").scrollHeight;
}
function started(customer, waited) {
  setChat(customer);
  note(`Conectado con ${customer.name} (${customer.email}) tras ${duration(waited)} de espera.`);
  say("");
  $("ex-message").focus();
  refresh();
}

$("ex-connect").addEventListener("click", async () => {
  const reply = await ask("connect");
  if (reply.ok) started(reply.customer, reply.waited_s);
});
// With --max-chats-per-executive above 1, a chat given while another is current stays aside
// (this page shows the current chat only; tcs-exec's :cambiar switches).
conn.on("chat.assigned", (msg) => {
  if (msg.current === false) note(`Se le asignó también a ${msg.customer.name} (conversación ${msg.number}).`);
  else started(msg.customer, msg.waited_s);
});

$("ex-compose").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("ex-message").value.trim();
  if (!text || !me.customer) return;
  const reply = await ask("chat.send", { text });
  if (reply.ok) { $("ex-message").value = ""; line(me.first, text, reply.at, "ex-me"); }
});
$("ex-message").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("ex-compose").requestSubmit(); }
});
// Several chats open: a line names its chat and customer ("(2) Ana Rojas").
conn.on("chat.message", (msg) => line(msg.chats > 1 && msg.customer ? `(${msg.number}) ${msg.customer.name}` : msg.from, msg.text, msg.at, "ex-them"));
conn.on("chat.ended", (msg) => {
  note(msg.message);
  say(msg.message);
  if (msg.was_current !== false) setChat(null);
  refresh();
});
$("ex-end").addEventListener("click", async () => {
  const reply = await ask("chat.end");
  if (!reply.ok) return;
  note(`Terminó la conversación con ${reply.customer ? reply.customer.name : "el cliente"}.`);
  setChat(null);
  refresh();
});

$("ex-activity").addEventListener("click", async () => {
  const reply = await conn.readAll("customer.activity", "entries");
  if (!reply.ok) { say(reply.error.message, true); return; }
  $("ex-sheet").replaceChildren(el("h3", {}, `Actividad de ${reply.customer.name} (${reply.total})`),
    el("ul", { class: "ex-list" }, reply.entries.map((a) => el("li", {},
      `${dateTime(a.at)} · ${ACTIONS[a.action] || a.action}${a.detail ? ` (${a.detail})` : ""}` +
      `${a.outcome !== "ok" ? ` · rechazada (${a.outcome})` : ""}`))));
});
$("ex-operations").addEventListener("click", async () => {
  const reply = await ask("customer.operations");
  if (!reply.ok) return;
  $("ex-sheet").replaceChildren(el("h3", {}, `Operaciones del cliente (${reply.total}), también enviadas al cliente`),
    reply.operations.map(operationDetails));
});

// --- :buy and :publish ---
$("ex-buy").addEventListener("submit", async (e) => {
  e.preventDefault();
  const reply = await ask("offer.create", { card: $("ex-buy-card").value.trim(),
    price: Number($("ex-buy-price").value) });
  if (!reply.ok) return;
  $("ex-buy-result").textContent = `Oferta #${reply.offer_id} enviada: comprar "${reply.card}" por ` +
    `${price(reply.price)}. Esperando la respuesta…`;
  note(`Oferta #${reply.offer_id}: "${reply.card}" por ${price(reply.price)}.`);
});
conn.on("offer.answered", (msg) => {
  const text = msg.accepted
    ? `${msg.customer} aceptó la oferta: "${msg.card}" por ${price(msg.price)} (operación #${msg.operation_id}).`
    : `${msg.customer} rechazó la oferta de "${msg.card}" por ${price(msg.price)}.`;
  $("ex-buy-result").textContent = text;
  note(text);
  if (msg.accepted) { $("ex-pub-card").value = msg.card; loadCatalogue(); }
});
conn.on("offer.cancelled", (msg) => {
  $("ex-buy-result").textContent = `La oferta de "${msg.card}" se canceló.`;
});
$("ex-publish").addEventListener("submit", async (e) => {
  e.preventDefault();
  const fields = { card: $("ex-pub-card").value.trim() };
  if ($("ex-pub-price").value) fields.price = Number($("ex-pub-price").value);
  const reply = await ask("publish", fields);
  if (!reply.ok) { $("ex-pub-result").textContent = reply.error.message; return; }
  const p = reply.product;
  $("ex-pub-result").textContent = `Publicada: ${p.name} a ${price(p.price)} (stock ${p.stock}).`;
  loadCatalogue();
});

async function loadCatalogue() {
  const reply = await conn.readAll("catalogue", "products");
  if (!reply.ok) return;
  $("ex-catalogue").tBodies[0].replaceChildren(...reply.products.map((p) => el("tr", {},
    el("td", {}, p.name + (p.listed ? "" : " (no publicada)")), el("td", {}, price(p.price)),
    el("td", {}, String(p.stock)), el("td", {}, String(p.held)))));
}
$("ex-catalogue-refresh").addEventListener("click", loadCatalogue);

$("ex-email").focus();
