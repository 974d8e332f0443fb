// Spanish formatting shared by the widget and the console, and a small DOM builder (text is
// always set as text, never parsed as HTML).

export function price(pesos) {
  const digits = String(Math.abs(Math.trunc(pesos)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return (pesos < 0 ? "-$" : "$") + grouped;
}

const two = (n) => String(n).padStart(2, "0");

// Unix seconds as 27/08/2024 16:20 in the browser's time zone.
export function dateTime(seconds) {
  const d = new Date(seconds * 1000);
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function clock(seconds) {
  const d = new Date(seconds * 1000);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${two(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${two(m % 60)} min`;
}

export const STATES = {
  paid: "pagado",
  shipped: "envío confirmado",
  received: "recibido",
  returned: "devolución tramitada",
};
export const OPERATION_KINDS = { purchase: "compra", sale: "venta" };
export const PRODUCT_KINDS = { card: "carta", pack: "sobre" };

// Labels of common/protocol/actions.hpp (the executive's view of a customer's activity).
export const ACTIONS = {
  login: "inicio de sesión",
  logout: "cierre de sesión",
  password_change: "cambio de clave",
  history_view: "consulta de historial",
  detail_view: "consulta de detalle de operación",
  catalogue_view: "consulta de catálogo",
  purchase: "compra",
  return_request: "solicitud de devolución",
  shipment_confirm: "confirmación de envío",
  queue_join: "solicitud de ejecutivo",
  queue_leave: "salida de la cola",
  referral: "derivación a ejecutivo",
  chat_end: "fin de conversación",
  offer: "oferta de compra",
  offer_answer: "respuesta a oferta",
  operations_view: "revisión de operaciones con ejecutivo",
  publish: "publicación de carta",
};

// el("button", {class: "x", onclick: f}, "text", child...)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// An operation's lines and state timeline, as a list.
export function operationDetails(op) {
  return el("div", { class: "tcs-op" },
    el("p", { class: "tcs-op-title" },
      `Operación #${op.id} · ${OPERATION_KINDS[op.kind] || op.kind} · ${dateTime(op.created_at)}` +
      ` · ${price(op.total)} · ${STATES[op.state] || op.state}`),
    el("ul", { class: "tcs-op-lines" }, (op.lines || []).map((l) =>
      el("li", {}, `${l.name} [x${l.quantity}] ${price(l.unit_price * l.quantity)}`))),
    el("ol", { class: "tcs-op-timeline", "aria-label": "Estados" }, (op.timeline || []).map((t) =>
      el("li", {}, `${STATES[t.state] || t.state}: ${dateTime(t.at)} (${t.actor})`))));
}
