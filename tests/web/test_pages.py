"""The web pages in a real browser (headless chromium) against a real tcs-server --demo: the
customer's widget on the demo shop at / and the executives' console at /ejecutivo.

TCS_WEB_SCREENSHOTS=DIR saves the widget and the console of the main scenario there (the
README's pictures: TCS_WEB_SCREENSHOTS=docs/img)."""
import os
import re

from browser import Browser, Keys, open_console, open_widget, scenario
from tcs_e2e import CUSTOMERS, EXECUTIVES, SERVER, Server, Terminal, EXEC, check, totp

ANA = CUSTOMERS[0][0]
VALENTINA = EXECUTIVES[0][0]
SHOTS = os.environ.get("TCS_WEB_SCREENSHOTS")


def shot(browser, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.screenshot(os.path.join(SHOTS, name))


def buy_two(ana):
    """In the open widget at the menu: Pikachu ex x1 and Eevee holo x2; returns the operation."""
    ana.click("Catálogo y carrito")
    ana.click("Agregar Pikachu ex")
    ana.wait_text("Agregado: Pikachu ex [x1].")
    qty = ana.find("#tcsw-qty-4")  # Eevee holo
    qty.clear()
    qty.send_keys("2")
    ana.click("Agregar Eevee holo")
    ana.wait_text("Carrito (2)")
    ana.wait_text("Total: $20.970")
    ana.click("Comprar")
    ana.wait_text("Eevee holo [x2] $7.980")
    ana.click("Confirmar compra")
    ana.wait_text("¡Compra realizada! Operación #")
    return re.search(r"Operación #(\d+) por \$20\.970", ana.text()).group(1)


def customer_and_executive():
    with Server(web=True) as server:
        ana = Browser("ana")
        open_widget(ana, server, ANA)
        ana.wait_text("¡Bienvenido Ana! ¿En qué te podemos ayudar?")
        op = buy_two(ana)
        ana.click("Mis compras (últimos 12 meses)")
        # The history arrives after the click: wait for its list, whose first line is the
        # newest operation (the purchase), before reading it.
        ana.wait_text("#%s · " % op, css=".tcsw-list")
        ana.click(ana.text(".tcsw-list").splitlines()[0])
        ana.wait_text("Detalle de la operación #%s" % op)
        ana.wait_text("Pikachu ex [x1] $12.990")
        ana.wait_text("pagado: ")
        ana.click("Volver al menú")
        ana.click("Hablar con un ejecutivo")
        ana.wait_text("Está en la cola de espera, posición 1.")

        val = Browser("valentina")
        open_console(val, server, VALENTINA, totp())
        val.wait_text("Hola Valentina")
        val.wait_text("Ana Rojas", "#ex-queue")
        val.wait_text("solicitud de ejecutivo", "#ex-customers")
        val.wait(lambda d: d.title.startswith("(1) Cliente esperando"), "the tab title")
        val.click("Atender al siguiente")
        val.wait_text("Conectado con Ana Rojas", "#ex-log")
        ana.wait_text("Lo atiende Valentina Reyes")

        ana.fill("#tcsw-message", "hola, tengo un Caterpie en excelente estado").send_keys(Keys.RETURN)
        val.wait_text("Ana: hola, tengo un Caterpie en excelente estado", "#ex-log")
        ana.fill("#tcsw-message", "un borrador")  # half-typed when a message arrives
        val.fill("#ex-message", "te lo compro en $8").send_keys(Keys.RETURN)
        ana.wait_text("Valentina: te lo compro en $8", ".tcsw-log")
        check(ana.find("#tcsw-message").get_attribute("value") == "un borrador",
              "the half-typed message was lost")

        val.fill("#ex-buy-card", "Caterpie")
        val.fill("#ex-buy-price", "8").send_keys(Keys.RETURN)
        val.wait_text("Esperando la respuesta", "#ex-buy-result")
        ana.wait_text('Valentina ofrece comprarle "Caterpie" por $8. ¿Acepta?')
        ana.click("Aceptar")
        ana.wait_text("Aceptó la oferta (venta #")
        val.wait_text('Ana aceptó la oferta: "Caterpie" por $8', "#ex-buy-result")

        val.click("Operaciones")
        val.wait_text("Operaciones del cliente", "#ex-sheet")
        ana.wait_text("Valentina le muestra sus operaciones")
        val.click("Actividad")
        val.wait_text("respuesta a oferta", "#ex-sheet")
        val.fill("#ex-pub-price", "9")
        val.click("Publicar")
        val.wait_text("Publicada: Caterpie a $9 (stock 1).", "#ex-pub-result")
        shot(ana, "widget-chat.png")
        shot(val, "console.png")

        val.click("Terminar conversación")
        ana.wait_text("Valentina terminó la conversación.")
        ana.button("Hablar con un ejecutivo")  # back at the menu
        val.wait_text("Sin conversación", "#ex-chat-title")
        ana.click("Cerrar sesión")
        ana.wait_text("Sesión cerrada.")
        val.click("Cerrar sesión")
        val.wait_text("Sesión cerrada.")


def wrong_password_and_code():
    with Server(web=True) as server:
        ana = Browser("ana", 360, 740)
        open_widget(ana, server, ANA, "no-es-la-clave")
        ana.wait_text("Correo, contraseña o código incorrectos.", ".tcsw-status")
        ana.fill("#tcsw-password", "cliente123").send_keys(Keys.RETURN)
        ana.wait_text("¡Bienvenido Ana!")
        shot(ana, "widget-360.png")

        val = Browser("valentina")
        code = totp()
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        open_console(val, server, VALENTINA, wrong)
        val.wait_text("Código 2FA incorrecto.", "#ex-status")
        check(val.find("#ex-totp").get_attribute("value") == "", "the wrong code stays")
        val.fill("#ex-password", "ejecutivo123")
        val.fill("#ex-totp", code).send_keys(Keys.RETURN)
        val.wait_text("Hola Valentina")


def web_customer_tcp_executive():
    with Server(web=True) as server:
        ana = Browser("ana")
        open_widget(ana, server, ANA)
        ana.click("Hablar con un ejecutivo")
        ana.wait_text("posición 1")
        val = Terminal(EXEC, server.port)
        val.send(VALENTINA)
        val.send("ejecutivo123")
        val.send(totp())
        val.expect("Hola Valentina")
        val.send(":connect")
        val.expect("Conectado con Ana Rojas")
        ana.wait_text("Lo atiende Valentina Reyes")
        ana.click("Cerrar el chat")  # closed: the button counts what arrives meanwhile
        val.send("hola desde la terminal")
        ana.wait_text("(1 sin leer)", "#tcsw-launcher")
        ana.find("#tcsw-launcher").click()
        ana.wait_text("Valentina: hola desde la terminal")
        ana.fill("#tcsw-message", "hola desde el navegador").send_keys(Keys.RETURN)
        val.expect("Ana: hola desde el navegador")
        val.send(":buy Caterpie 8")
        ana.click("Rechazar")
        ana.wait_text("Rechazó la oferta.")
        val.expect("rechaz")
        val.send(":disconnect")
        ana.wait_text("terminó la conversación")
        ana.button("Hablar con un ejecutivo")
        val.send(":exit")


def stock_runs_out():
    with Server(web=True) as server:
        ana = Browser("ana")
        open_widget(ana, server, ANA)
        ana.click("Catálogo y carrito")
        qty = ana.find("#tcsw-qty-2")  # Charizard VMAX, 3 in stock
        qty.clear()
        qty.send_keys("3")
        ana.click("Agregar Charizard VMAX")
        ana.wait_text("Carrito (1)")
        # Benjamín buys one meanwhile, from another browser.
        ben = Browser("benjamin")
        open_widget(ben, server, CUSTOMERS[1][0])
        ben.click("Catálogo y carrito")
        ben.click("Agregar Charizard VMAX")
        ben.click("Comprar")
        ben.click("Confirmar compra")
        ben.wait_text("¡Compra realizada!")
        ana.click("Comprar")
        ana.click("Confirmar compra")
        ana.wait_text("Stock insuficiente: Charizard VMAX (pidió 3, quedan 2).")
        ana.wait_text("Carrito (1)")  # the cart is kept, to be changed


def connection_dropped():
    with Server(web=True) as server:
        ana = Browser("ana")
        open_widget(ana, server, ANA)
        ana.wait_text("¡Bienvenido Ana!")
        server.stop()
        ana.wait_text("Sin conexión con el servidor", ".tcsw-body")
        ana.wait_text("Nuevo intento en", ".tcsw-status")
        # The same server comes back on the same ports and database.
        import subprocess
        from tcs_e2e import Output
        server.proc = subprocess.Popen(
            [SERVER, "--port", str(server.port), "--db", server.db,
             "--web-port", str(server.web_port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        server.out = Output(server.proc.stdout)
        server.out.wait_for(r"Web en", timeout=60)
        ana.wait_text("Conexión restablecida", ".tcsw-status")
        check(ana.find("#tcsw-email").get_attribute("value") == ANA, "the email is kept")
        ana.fill("#tcsw-password", "cliente123").send_keys(Keys.RETURN)
        ana.wait_text("¡Bienvenido Ana!")


def readme_tour():
    """The README's "The tour in the browser", step by step: every button pressed is one the
    paragraph names in «», and the purchase reply is the one it quotes."""
    from tcs_e2e import ROOT
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    start = readme.index("**The tour in the browser.**")
    paragraph = readme[start:readme.index("\n\n", start)].replace("\n", " ")
    named = re.findall(r"«([^»]+)»", paragraph)

    def said(label):
        check(label in named, "the README's web tour does not name «%s»" % label)
        return label
    with Server(web=True) as server:
        ana = Browser("ana")
        ana.get("http://127.0.0.1:%d/" % server.web_port)
        ana.button(said("¿Necesitas ayuda?")).click()
        ana.fill("#tcsw-email", "ana.rojas@example.com")
        ana.fill("#tcsw-password", "cliente123").send_keys(Keys.RETURN)
        ana.click(said("Catálogo y carrito"))
        check("«Agregar» a Pikachu ex" in paragraph, "the README adds a Pikachu ex")
        ana.click("Agregar Pikachu ex")
        ana.click(said("Comprar"))
        ana.click(said("Confirmar compra"))
        quoted = re.search(r"`(¡Compra realizada![^`]*)`", paragraph).group(1)
        ana.wait_text(re.sub(r"\s+", " ", quoted))
        ana.click(said("Hablar con un ejecutivo"))
        ana.wait_text("posición 1")
        val = Browser("valentina")
        check("http://127.0.0.1:8080/ejecutivo" in paragraph, "the console's address")
        open_console(val, server, VALENTINA, totp())
        val.click(said("Atender al siguiente"))
        ana.wait_text("Lo atiende Valentina Reyes")
        val.fill("#ex-message", "hola Ana").send_keys(Keys.RETURN)
        ana.wait_text("Valentina: hola Ana")
        val.fill("#ex-buy-card", said("Caterpie"))
        val.fill("#ex-buy-price", "8").send_keys(Keys.RETURN)
        ana.click(said("Aceptar"))
        val.wait_text("Ana aceptó la oferta", "#ex-buy-result")
        val.fill("#ex-pub-price", "9")
        val.click(said("Publicar"))
        val.wait_text("Publicada: Caterpie a $9", "#ex-pub-result")
        val.click(said("Terminar conversación"))
        ana.wait_text("terminó la conversación")
        ana.button("Hablar con un ejecutivo")


def self_service():
    """Password change, a confirmation and a return, in the widget at 360 px."""
    with Server(web=True) as server:
        ana = Browser("ana", 360, 740)
        open_widget(ana, server, ANA)
        ana.click("Cambiar contraseña")
        ana.fill("#tcsw-current", "cliente123")
        ana.fill("#tcsw-new", "otra-clave-9")
        ana.fill("#tcsw-confirm", "otra-clave-8").send_keys(Keys.RETURN)
        ana.wait_text("no coinciden", ".tcsw-status")
        ana.fill("#tcsw-confirm", "otra-clave-9").send_keys(Keys.RETURN)
        ana.wait_text("Contraseña cambiada.")
        ana.click("Confirmar envío o recepción")
        first = ana.find(".tcsw-opline button")
        label = first.text
        op = re.search(r"#(\d+)", label).group(1)
        first.click()
        ana.wait_text("Operación #%s: " % op, ".tcsw-status")
        ana.click("Volver al menú")
        ana.click("Devoluciones")
        first = ana.find(".tcsw-opline button")
        op = re.search(r"#(\d+)", first.text).group(1)
        first.click()
        ana.wait(lambda d: d.switch_to.alert, "the confirmation").accept()
        ana.wait_text("Devolución de la operación #%s tramitada." % op, ".tcsw-status")
        ana.click("Volver al menú")
        ana.click("Mis compras (últimos 12 meses)")
        ana.wait_text("#%s · compra" % op)
        ana.wait_text("devolución tramitada")


if __name__ == "__main__":
    scenario(customer_and_executive)
    scenario(wrong_password_and_code)
    scenario(web_customer_tcp_executive)
    scenario(stock_runs_out)
    scenario(connection_dropped)
    scenario(readme_tour)
    scenario(self_service)
