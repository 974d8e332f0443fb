// The customer's chat widget: a floating button that opens a panel with the login, the menu
// and its views, the queue and the chat with an executive. Mounted by /widget.js.
import { Connection, reconnect, socketUrl } from "../tcs/connection.js";
import { clock, dateTime, duration, el, operationDetails, OPERATION_KINDS, price, PRODUCT_KINDS,
  STATES } from "../tcs/format.js";

export function mountWidget({ server }) {
  const conn = new Connection(socketUrl(server), "tcs-web-widget/0.1");
  const state = { me: null, email: "", cart: new Map(), products: [], place: "login", offer: null };
  let stopReconnect = null;

  const status = el("p", { class: "tcsw-status", role: "status", "aria-live": "polite" });
  const body = el("div", { class: "tcsw-body" });
  const closeBtn = el("button", { class: "tcsw-close", type: "button", "aria-label": "Cerrar el chat",
    onclick: () => toggle(false) }, "×");
  const panel = el("section", { class: "tcsw-panel", id: "tcsw-panel", role: "dialog",
    "aria-labelledby": "tcsw-title", hidden: true },
  el("header", { class: "tcsw-header" }, el("h2", { id: "tcsw-title" }, "Servicio al cliente TC5G"),
    closeBtn), status, body);
  const launcher = el("button", { class: "tcsw-launcher", id: "tcsw-launcher", type: "button",
    "aria-expanded": "false", "aria-controls": "tcsw-panel", onclick: () => toggle() },
  "¿Necesitas ayuda?");
  document.body.append(el("div", { class: "tcsw" }, panel, launcher));
  panel.addEventListener("keydown", (e) => { if (e.key === "Escape") toggle(false); });

  let unread = 0;
  function toggle(open = panel.hidden) {
    panel.hidden = !open;
    if (open) unread = 0;
    launcher.textContent = unread ? `¿Necesitas ayuda? (${unread} sin leer)` : "¿Necesitas ayuda?";
    launcher.setAttribute("aria-expanded", String(open));
    if (open) focusFirst(); else launcher.focus();
  }
  function focusFirst() {
    const target = body.querySelector("[data-autofocus]") || body.querySelector("input, button");
    if (target) target.focus();
  }
  function say(text, kind = "info") {
    status.textContent = text || "";
    status.className = `tcsw-status tcsw-${kind}`;
  }
  function show(place, ...nodes) {
    state.place = place;
    body.replaceChildren(...nodes);
    if (!panel.hidden) focusFirst();
  }
  const back = (label = "Volver al menú", to = menu) =>
    el("button", { type: "button", class: "tcsw-back", "aria-label": label, onclick: () => to() },
      el("span", { "aria-hidden": "true" }, "← "), label);
  const field = (id, label, attrs = {}) => el("div", { class: "tcsw-field" },
    el("label", { for: id }, label), el("input", { id, name: id, required: true, ...attrs }));
  async function ask(type, fields) {
    const reply = await conn.request(type, fields);
    if (!reply.ok) say(reply.error.message, "error");
    return reply;
  }

  // --- login, menu, logout, reconnection ---
  function login(note) {
    state.me = null;
    const form = el("form", { class: "tcsw-form", onsubmit: async (e) => {
      e.preventDefault();
      const email = form.elements["tcsw-email"].value.trim();
      const password = form.elements["tcsw-password"].value;
      say("Ingresando…");
      try {
        await conn.ensureOpen();
      } catch (err) {
        say(err.message, "error");
        return;
      }
      const reply = await ask("login", { role: "customer", email, password });
      if (!reply.ok) return;
      state.me = reply;
      state.email = email;
      say("");
      menu(`¡Bienvenido ${reply.first_name}! ¿En qué te podemos ayudar?`);
    } },
    el("p", {}, "Ingrese su correo y contraseña para hablar con nosotros."),
    field("tcsw-email", "Correo", { type: "email", autocomplete: "username", value: state.email,
      "data-autofocus": state.email ? null : true }),
    field("tcsw-password", "Contraseña", { type: "password", autocomplete: "current-password",
      "data-autofocus": state.email ? true : null }),
    el("button", { type: "submit", class: "tcsw-primary" }, "Ingresar"));
    show("login", form);
    if (note) say(note);
  }

  conn.onclose = ({ expected }) => {
    const wasIn = state.me !== null;
    if (!wasIn || expected) return;
    state.me = null;
    say((conn.lastNotice ? conn.lastNotice + " " : "") + "Se perdió la conexión. Reconectando…",
      "error");
    show("offline", el("p", { class: "tcsw-offline" },
      "Sin conexión con el servidor. El chat se reconectará solo."));
    stopReconnect = reconnect(conn, (text) => say(text, "error"), () => {
      stopReconnect = null;
      login("Conexión restablecida. Ingrese de nuevo su contraseña para continuar.");
    });
  };

  function menu(greeting) {
    const items = [
      ["Cambiar contraseña", password],
      ["Mis compras (últimos 12 meses)", history],
      ["Catálogo y carrito", catalogue],
      ["Devoluciones", returns],
      ["Confirmar envío o recepción", pending],
      ["Hablar con un ejecutivo", joinQueue],
      ["Cerrar sesión", logout],
    ];
    show("menu", el("h3", { tabindex: "-1" }, greeting || `${state.me.first_name}, ¿en qué más te ayudamos?`),
      el("ul", { class: "tcsw-menu" }, items.map(([label, action], i) =>
        el("li", {}, el("button", { type: "button", "data-autofocus": i === 0 || null,
          onclick: () => { say(""); action(); } }, label)))));
  }

  async function logout() {
    conn.expectClose = true;
    await conn.request("logout");
    state.me = null;
    login("Sesión cerrada. ¡Hasta pronto!");
  }

  // --- self-service ---
  function password() {
    const form = el("form", { class: "tcsw-form", onsubmit: async (e) => {
      e.preventDefault();
      const f = form.elements;
      const reply = await ask("password.change", { current: f["tcsw-current"].value,
        new: f["tcsw-new"].value, confirm: f["tcsw-confirm"].value });
      if (reply.ok) { menu(); say("Contraseña cambiada.", "ok"); }
    } },
    el("h3", {}, "Cambiar contraseña"),
    field("tcsw-current", "Contraseña actual", { type: "password", autocomplete: "current-password" }),
    field("tcsw-new", "Nueva contraseña", { type: "password", autocomplete: "new-password" }),
    field("tcsw-confirm", "Repita la nueva contraseña", { type: "password", autocomplete: "new-password" }),
    el("button", { type: "submit", class: "tcsw-primary" }, "Cambiar"), back());
    show("password", form);
  }

  const summary = (op) => `#${op.id} · ${OPERATION_KINDS[op.kind] || op.kind} · ` +
    `${dateTime(op.created_at)} · ${price(op.total)} · ${STATES[op.state] || op.state}`;

  async function history() {
    const reply = await ask("history", {});
    if (!reply.ok) return;
    const ops = reply.operations;
    show("history", el("h3", {}, "Mis compras y ventas (últimos 12 meses)"),
      ops.length === 0 ? el("p", {}, "No tiene operaciones en los últimos 12 meses.") : null,
      el("ul", { class: "tcsw-list" }, ops.map((op) => el("li", {},
        el("button", { type: "button", class: "tcsw-op", onclick: () => detail(op.id) }, summary(op))))),
      reply.next !== undefined ? el("p", {}, `Se muestran las ${ops.length} más recientes de ${reply.total}.`) : null,
      back());
  }

  async function detail(id) {
    const reply = await ask("history.detail", { operation_id: id });
    if (!reply.ok) return;
    show("detail", el("h3", {}, `Detalle de la operación #${id}`), operationDetails(reply.operation),
      back("Volver al historial", history), back());
  }

  async function catalogue() {
    const reply = await conn.readAll("catalogue", "products");
    if (!reply.ok) { say(reply.error.message, "error"); return; }
    state.products = reply.products;
    renderCatalogue();
  }

  function renderCatalogue(shortNote) {
    const products = el("ul", { class: "tcsw-products" }, state.products.map((p) => {
      const qtyId = `tcsw-qty-${p.id}`;
      return el("li", { class: "tcsw-product" },
        el("span", { class: "tcsw-pname" }, p.name),
        el("span", { class: "tcsw-pmeta" }, `${PRODUCT_KINDS[p.kind] || p.kind} · ${price(p.price)} · stock ${p.stock}`),
        el("label", { for: qtyId, class: "tcsw-sr" }, `Cantidad de ${p.name}`),
        el("input", { id: qtyId, type: "number", min: "1", max: String(Math.max(1, Math.min(99, p.stock))),
          value: "1", class: "tcsw-qty", disabled: p.stock === 0 || null }),
        el("button", { type: "button", disabled: p.stock === 0 || null, "aria-label": `Agregar ${p.name}`,
          onclick: () => {
            const qty = Number(document.getElementById(qtyId).value) || 1;
            const line = state.cart.get(p.id);
            state.cart.set(p.id, { product: p, qty: Math.min(99, (line ? line.qty : 0) + qty) });
            say(`Agregado: ${p.name} [x${qty}].`, "ok");
            renderCatalogue();
            document.getElementById(`tcsw-cart-title`).focus();
          } }, p.stock === 0 ? "Agotado" : "Agregar"));
    }));
    show("catalogue", el("h3", {}, "Catálogo"), cartView(shortNote), products, back());
  }

  function cartView(shortNote) {
    const lines = [...state.cart.values()];
    const total = lines.reduce((sum, l) => sum + l.qty * l.product.price, 0);
    return el("section", { class: "tcsw-cart", "aria-labelledby": "tcsw-cart-title" },
      el("h4", { id: "tcsw-cart-title", tabindex: "-1" }, `Carrito (${lines.length})`),
      shortNote ? el("p", { class: "tcsw-error", role: "alert" }, shortNote) : null,
      lines.length === 0 ? el("p", {}, "El carrito está vacío.") : el("ul", { class: "tcsw-list" },
        lines.map((l) => el("li", { class: "tcsw-cart-line" },
          el("label", { for: `tcsw-cartqty-${l.product.id}` }, `${l.product.name} (${price(l.product.price)} c/u)`),
          el("input", { id: `tcsw-cartqty-${l.product.id}`, type: "number", min: "1", max: "99",
            value: String(l.qty), class: "tcsw-qty", onchange: (e) => {
              const qty = Math.max(1, Math.min(99, Number(e.target.value) || 1));
              l.qty = qty;
              renderCatalogue();
            } }),
          el("button", { type: "button", "aria-label": `Quitar ${l.product.name}`, onclick: () => {
            state.cart.delete(l.product.id);
            renderCatalogue();
          } }, "Quitar")))),
      lines.length ? el("p", { class: "tcsw-total" }, `Total: ${price(total)}`) : null,
      lines.length ? el("div", { class: "tcsw-row" },
        el("button", { type: "button", class: "tcsw-primary", onclick: confirmPurchase }, "Comprar"),
        el("button", { type: "button", onclick: () => { state.cart.clear(); renderCatalogue(); } },
          "Vaciar carrito")) : null);
  }

  function confirmPurchase() {
    const lines = [...state.cart.values()];
    const total = lines.reduce((sum, l) => sum + l.qty * l.product.price, 0);
    show("confirm", el("h3", {}, "Su compra"),
      el("ul", { class: "tcsw-list" }, lines.map((l) =>
        el("li", {}, `${l.product.name} [x${l.qty}] ${price(l.qty * l.product.price)}`))),
      el("p", { class: "tcsw-total" }, `Total: ${price(total)}`),
      el("p", {}, "¿Confirma la compra?"),
      el("div", { class: "tcsw-row" },
        el("button", { type: "button", class: "tcsw-primary", "data-autofocus": true, onclick: async () => {
          const reply = await conn.request("purchase", { lines: lines.map((l) =>
            ({ product_id: l.product.id, quantity: l.qty })) });
          if (reply.ok) {
            state.cart.clear();
            menu();
            say(`¡Compra realizada! Operación #${reply.operation_id} por ${price(reply.total)}. Estado: pagado.`, "ok");
          } else {
            await catalogue();
            renderCatalogue(reply.error.message);
          }
        } }, "Confirmar compra"),
        el("button", { type: "button", onclick: () => renderCatalogue() }, "Volver al carrito")));
  }

  async function operationList(type, title, empty, actionLabel, act) {
    const reply = await conn.readAll(type, "operations");
    if (!reply.ok) { say(reply.error.message, "error"); return; }
    show(type, el("h3", {}, title),
      reply.operations.length === 0 ? el("p", {}, empty) : null,
      el("ul", { class: "tcsw-list" }, reply.operations.map((op) => el("li", { class: "tcsw-opline" },
        el("span", {}, summary(op)),
        el("button", { type: "button", onclick: () => act(op) }, actionLabel(op))))),
      back());
  }

  function returns() {
    operationList("returnable", "Devoluciones", "No tiene compras que se puedan devolver.",
      (op) => `Devolver #${op.id}`, async (op) => {
        if (!window.confirm(`¿Devolver la operación #${op.id} por ${price(op.total)}?`)) return;
        const reply = await ask("return", { operation_id: op.id });
        if (reply.ok) { say(`Devolución de la operación #${op.id} tramitada.`, "ok"); returns(); }
      });
  }

  function pending() {
    operationList("pending", "Confirmar envío o recepción", "No tiene compras por confirmar.",
      (op) => (op.state === "paid" ? `Confirmar envío #${op.id}` : `Confirmar recepción #${op.id}`),
      async (op) => {
        const reply = await ask("confirm", { operation_id: op.id });
        if (reply.ok) { say(`Operación #${op.id}: ${STATES[reply.state]}.`, "ok"); pending(); }
      });
  }

  // --- queue and chat ---
  async function joinQueue() {
    const reply = await ask("queue.join", {});
    if (!reply.ok) return;
    queueView(reply);
    if (reply.available_executives === 0)
      say("No hay ningún ejecutivo disponible en este momento. Puede esperar igual (lo atenderán cuando uno se conecte) o salir de la cola.");
  }

  function queueView(info) {
    show("queue", el("h3", {}, "Esperando a un ejecutivo"),
      el("p", { id: "tcsw-position", class: "tcsw-position" }, positionText(info)),
      el("button", { type: "button", "data-autofocus": true, onclick: async () => {
        const reply = await ask("queue.leave", {});
        if (reply.ok) { menu(); say("Salió de la cola de espera."); }
      } }, "Salir de la cola"));
  }
  const positionText = (info) => `Está en la cola de espera, posición ${info.position}.` +
    (info.eta_s !== undefined ? ` Tiempo estimado: ${info.eta_s === 0 ? "menos de un minuto" : duration(info.eta_s)}.` : "");

  conn.on("queue.position", (msg) => {
    const p = document.getElementById("tcsw-position");
    if (state.place === "queue" && p) p.textContent = positionText(msg);
  });

  let log = null;
  conn.on("chat.started", (msg) => { say(""); chatView(msg.executive); });
  function chatView(executive) {
    log = el("ol", { class: "tcsw-log", role: "log", "aria-live": "polite", "aria-label": "Conversación" });
    const input = el("textarea", { id: "tcsw-message", rows: "2", maxlength: "2000", "data-autofocus": true });
    const form = el("form", { class: "tcsw-compose", onsubmit: async (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      const reply = await ask("chat.send", { text });
      if (reply.ok) { input.value = ""; line(state.me.first_name, text, reply.at, "me"); }
    } },
    el("label", { for: "tcsw-message" }, "Mensaje"), input,
    el("button", { type: "submit", class: "tcsw-primary" }, "Enviar"));
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
    show("chat", el("h3", {}, `Lo atiende ${executive.name}`), log, form,
      el("button", { type: "button", class: "tcsw-end", onclick: async () => {
        const reply = await ask("chat.end", {});
        if (reply.ok) { menu(); say("Terminó la conversación."); }
      } }, "Terminar conversación"));
  }
  function line(from, text, at, who) {
    if (!log) return;
    log.append(el("li", { class: `tcsw-msg tcsw-${who}` },
      el("span", { class: "tcsw-meta" }, `[${clock(at)}] ${from}:`), " ", text));
    log.scrollTop = log.scrollHeight;
  }
  conn.on("chat.message", (msg) => {
    line(msg.from, msg.text, msg.at, "them");
    if (panel.hidden) launcher.textContent = `¿Necesitas ayuda? (${++unread} sin leer)`;
  });
  conn.on("offer", (msg) => {
    if (!log) return;
    const answer = async (accept) => {
      const reply = await ask("offer.answer", { offer_id: msg.offer_id, accept });
      if (!reply.ok) return;
      buttons.replaceWith(el("p", {}, accept ? `Aceptó la oferta (venta #${reply.operation_id}).` : "Rechazó la oferta."));
    };
    const buttons = el("div", { class: "tcsw-row" },
      el("button", { type: "button", class: "tcsw-primary", onclick: () => answer(true) }, "Aceptar"),
      el("button", { type: "button", onclick: () => answer(false) }, "Rechazar"));
    log.append(el("li", { class: "tcsw-card", id: `tcsw-offer-${msg.offer_id}` },
      el("p", {}, `${msg.executive} ofrece comprarle "${msg.card}" por ${price(msg.price)}. ¿Acepta?`), buttons));
  });
  conn.on("offer.cancelled", (msg) => {
    const card = document.getElementById(`tcsw-offer-${msg.offer_id}`);
    if (card) card.querySelector(".tcsw-row")?.replaceWith(el("p", {}, "La oferta fue cancelada."));
  });
  conn.on("operations", (msg) => {
    if (!log) return;
    log.append(el("li", { class: "tcsw-card" },
      el("p", {}, `${msg.executive} le muestra sus operaciones (${msg.total}):`),
      msg.operations.map(operationDetails)));
  });
  conn.on("chat.ended", (msg) => {
    log = null;
    if (msg.reason === "executive_disconnected") {
      queueView(msg);
      say(msg.message);
      return;
    }
    menu();
    say(msg.message);
  });

  login();
  return { open: () => toggle(true) };
}
