"""Self-service end to end (menu options 1-5): the real tcs-client against a real
tcs-server --demo. Password change then login with the new password (and not the old one);
a two-line cart that lowers the stock, its return that puts it back; shipment and reception
confirmations seen in the history's timeline; two customers racing for the last units;
invalid input answered with a message and the question again."""
from tcs_e2e import *

ANA = CUSTOMERS[0][0]
BENJAMIN = CUSTOMERS[1][0]
CAMILA = CUSTOMERS[2][0]
DIEGO = CUSTOMERS[3][0]
WRONG_LOGIN = r"Correo, contraseña o código incorrectos\. Intente nuevamente\."
MENU_AGAIN = r"¿Desea realizar otra operación\?\n(?:.*\n)*?Asistente: Ingrese un número:"


def catalogue_rows(text):
    """{name: (number, stock)} from the last catalogue table printed in `text`."""
    table = text[text.rindex("Catálogo de productos:"):]
    rows = {}
    for m in re.finditer(r"^\[(\d+)\]\s+(.+?)\s{2,}(?:carta|sobre)\s+\$[\d.]+\s+(\d+|agotado)$",
                         table, re.M):
        rows[m.group(2)] = (int(m.group(1)), 0 if m.group(3) == "agotado" else int(m.group(3)))
    return rows


def open_catalogue(t):
    """Menu [3]; returns the catalogue rows and leaves the client at the cart menu."""
    t.send("3")
    t.expect(r"Catálogo de productos:")
    end = t.expect(r"¿Qué desea hacer\?\n(?:.*\n)*?Asistente: Ingrese un número:")
    return catalogue_rows(t.out.text[:end])


def add_to_cart(t, rows, name, quantity):
    t.send("1")
    t.expect(r"Ingrese el número del producto \(0 = volver\):")
    t.send(str(rows[name][0]))
    t.expect(r"¿Cuántas unidades de %s\? \(1 a \d+\)" % re.escape(name))
    t.send(str(quantity))
    t.expect(r"Agregado: %s \[x%d\]\." % (re.escape(name), quantity))
    t.expect(r"Ingrese un número:")


def password_change_then_login():
    with Server() as server:
        t = customer(server.port, ANA)
        # The current password is checked before a new one is asked for; the policy is said
        # first; a mismatch or a short password asks for the new one again (issue 18, item 4).
        t.send("1")
        t.expect(r"Ingrese su contraseña actual\.")
        t.send("no-es-la-clave")
        t.expect(r"La contraseña actual no es correcta\.\nAsistente: Ingrese su contraseña actual\.")
        check("Ingrese su nueva contraseña" not in t.out.text, "asked for a new one first")
        t.send(CUSTOMER_PASSWORD)
        t.expect(r"La nueva contraseña debe tener al menos 8 caracteres y ser distinta de la "
                 r"actual\.\nAsistente: Ingrese su nueva contraseña\.")
        t.send("nueva-clave-1")
        t.expect(r"Ingrese su nueva contraseña nuevamente\.")
        t.send("nueva-clave-2")
        t.expect(r"Las contraseñas nuevas no coinciden\.\nAsistente: Ingrese su nueva contraseña\.")
        t.send("corta")
        t.send("corta")
        t.expect(r"La nueva contraseña debe tener al menos 8 caracteres\.")
        t.expect(r"Ingrese su nueva contraseña\.")
        t.send("")  # an empty answer goes back to the menu
        t.expect(MENU_AGAIN)
        # The real change; the password is never echoed.
        t.send("1")
        t.send(CUSTOMER_PASSWORD)
        t.send("nueva-clave-1")
        t.send("nueva-clave-1")
        t.expect(r"Su clave ha sido actualizada exitosamente\.")
        t.expect(MENU_AGAIN)
        check("nueva-clave-1" not in t.out.text, "a password was echoed:\n" + t.out.text)
        server.out.wait_for(r"\[SERVIDOR\] Cambio Clave Cliente Ana Rojas\.")
        t.send("7")
        check(t.wait() == 0, "exit code")

        again = Terminal(CLIENT, server.port)
        again.expect(r"usuario: ")
        again.send(ANA)
        again.send(CUSTOMER_PASSWORD)  # the old one no longer works
        again.expect(WRONG_LOGIN)
        again.send(ANA)
        again.send("nueva-clave-1")
        again.expect(r"¡Bienvenido Ana! ¿En qué te podemos ayudar\?")
        again.send("7")
        check(again.wait() == 0, "exit code")


def seed_password_with_shorter_minimum():
    with Server(extra_args=["--min-password-length", "6"]) as server:
        t = customer(server.port, BENJAMIN)
        t.send("1")
        t.send(CUSTOMER_PASSWORD)
        t.send("uwu123")  # the seed's example
        t.send("uwu123")
        t.expect(r"Su clave ha sido actualizada exitosamente\.")
        t.send("7")
        check(t.wait() == 0, "exit code")
        login = customer(server.port, BENJAMIN, "uwu123")
        login.send("7")
        check(login.wait() == 0, "exit code")


def buy_two_lines_then_return():
    with Server() as server:
        t = customer(server.port, BENJAMIN)
        before = open_catalogue(t)
        check(len(before) == 20, "catalogue rows: %r" % before)
        add_to_cart(t, before, "Pikachu ex", 2)
        add_to_cart(t, before, "Sobre Brilliant Stars", 3)
        t.send("2")  # view the cart
        t.expect(r"\* Pikachu ex \[x2\] \$25\.980 \(\$12\.990 c/u\)")
        t.expect(r"\* Sobre Brilliant Stars \[x3\] \$14\.970 \(\$4\.990 c/u\)")
        t.expect(r"Total: \$40\.950")
        t.send("4")
        t.expect(r"¿Confirma la compra\? \(s/n\)")
        t.send("s")
        t.expect(r"¡Compra realizada! Operación #(\d+) por \$40\.950\. Estado: pagado\.")
        op = re.findall(r"Operación #(\d+)", t.out.text)[-1]
        server.out.wait_for(r"\[SERVIDOR\] Cliente Benjamín Soto compró 5 productos "
                            r"\(operación #%s\)\." % op)
        t.expect(MENU_AGAIN)

        after = open_catalogue(t)
        check(after["Pikachu ex"][1] == before["Pikachu ex"][1] - 2, "Pikachu stock: %r" % after)
        check(after["Sobre Brilliant Stars"][1] == before["Sobre Brilliant Stars"][1] - 3,
              "pack stock: %r" % after)
        check(after["Mew ex"][1] == before["Mew ex"][1], "other stock changed")
        t.send("0")
        t.expect(MENU_AGAIN)

        # Return it: it is the newest returnable purchase.
        t.send("4")
        # Lists number operations by their own number, "Operación #N" (issue 18, items 7, 8).
        t.expect(r"Compras de los últimos 12 meses que puede devolver \(las mismas que muestra "
                 r"su historial\):\n\[%s\] compra \(.+\) - pagado - total \$40\.950" % op)
        t.expect(r"¿Cuál desea devolver\? Ingrese su número \(0 = ninguna\)")
        t.send("1" if op != "1" else "2")
        t.expect(r"Número inválido: ingrese uno de los números entre corchetes de la lista, o 0\.")
        t.send(op)
        t.expect(r"\* Pikachu ex \[x2\]")
        t.expect(r"¿Confirma la devolución de esta compra\? \(s/n\)")
        t.send("s")
        t.expect(r"Devolución tramitada")
        server.out.wait_for(r"\[SERVIDOR\] Cliente Benjamín Soto solicitó la devolución de la "
                            r"operación #%s\." % op)
        t.expect(MENU_AGAIN)

        back = open_catalogue(t)
        check(back["Pikachu ex"][1] == before["Pikachu ex"][1], "Pikachu stock back: %r" % back)
        check(back["Sobre Brilliant Stars"][1] == before["Sobre Brilliant Stars"][1],
              "pack stock back: %r" % back)
        t.send("0")
        t.expect(MENU_AGAIN)

        # It is no longer offered for return, and the history shows it returned.
        t.send("2")
        t.expect(r"\[%s\] compra \(" % op)
        t.expect(r"¿Desea ver más detalles de alguna\? Ingrese su número de operación \(0 = No\)")
        t.send(op)
        t.expect(r"\[%s\] compra \(" % op)
        t.expect(r"Estado: devolución tramitada")
        t.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d pagado \(Benjamín Soto\)")
        t.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d devolución tramitada \(Benjamín Soto\)")
        t.expect(MENU_AGAIN)
        t.send("7")
        check(t.wait() == 0, "exit code")


def confirm_shipment_then_reception():
    with Server() as server:
        t = customer(server.port, CAMILA)
        rows = open_catalogue(t)
        add_to_cart(t, rows, "Mew ex", 1)
        t.send("4")
        t.send("s")
        t.expect(r"¡Compra realizada!")
        op = re.findall(r"Operación #(\d+)", t.out.text)[-1]
        t.expect(MENU_AGAIN)

        t.send("5")
        t.expect(r"Compras por confirmar:\n\[%s\] compra \(.+\) - pagado - total \$17\.990 "
                 r"\(confirmar envío\)" % op)
        t.expect(r"¿Cuál desea confirmar\? Ingrese su número \(0 = ninguna\)")
        t.send(op)
        t.expect(r"¿Confirma el envío de la compra #%s del .+\? \(s/n\)" % op)
        t.send("s")
        t.expect(r"Envío confirmado\. Estado: envío confirmado\.")
        server.out.wait_for(r"\[SERVIDOR\] Cliente Camila Fuentes confirmó el envío de la "
                            r"operación #\d+\.")
        t.expect(MENU_AGAIN)

        t.send("5")
        t.expect(r"\[%s\] compra \(.+\) - envío confirmado - total \$17\.990 "
                 r"\(confirmar recepción\)" % op)
        t.send(op)
        t.expect(r"¿Confirma la recepción de la compra #%s del .+\? \(s/n\)" % op)
        t.send("s")
        t.expect(r"Recepción confirmada\. Estado: recibido\.")
        t.expect(MENU_AGAIN)

        # Nothing is left to confirm for this purchase; the history has the whole timeline.
        t.send("2")
        t.expect(r"Sus operaciones de los últimos 12 meses:\n\[%s\] compra \(" % op)
        t.send(op)
        t.expect(r"\[%s\] compra \(" % op)
        t.expect(r"\* Mew ex \[x1\] \$17\.990")
        t.expect(r"Total: \$17\.990")
        t.expect(r"Estado: recibido")
        t.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d pagado \(Camila Fuentes\)")
        t.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d envío confirmado \(Camila Fuentes\)")
        t.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d recibido \(Camila Fuentes\)")
        t.expect(MENU_AGAIN)
        t.send("7")
        check(t.wait() == 0, "exit code")


def race_for_the_last_units():
    """Charizard VMAX has 3 units: Ana fills her cart with 3, Diego buys 2 first, then Ana's
    purchase is refused as a whole, names the short line, and changes nothing."""
    with Server() as server:
        ana = customer(server.port, ANA)
        diego = customer(server.port, DIEGO)
        rows = open_catalogue(ana)
        check(rows["Charizard VMAX"][1] == 3, "demo stock: %r" % rows)
        add_to_cart(ana, rows, "Charizard VMAX", 3)
        add_to_cart(ana, rows, "Eevee holo", 1)

        drows = open_catalogue(diego)
        add_to_cart(diego, drows, "Charizard VMAX", 2)
        diego.send("4")
        diego.send("s")
        diego.expect(r"¡Compra realizada!")

        ana.send("4")
        ana.send("s")
        ana.expect(r"Stock insuficiente: Charizard VMAX \(pidió 3, quedan 1\)\.")
        ana.expect(r"No se compró nada; su carrito se mantiene")
        end = ana.expect(r"¿Qué desea hacer\?")
        now = catalogue_rows(ana.out.text[:end])  # the catalogue is shown again, as it is now
        check(now["Charizard VMAX"][1] == 1, "after the race: %r" % now)
        check(now["Eevee holo"][1] == rows["Eevee holo"][1], "Eevee stock changed: %r" % now)
        server.out.wait_for(r"\[SERVIDOR\] Cliente Ana Rojas: solicitud rechazada "
                            r"\(compra, out_of_stock\)\.")
        # The cart is adjusted instead of emptied (issue 18, item 5): adding more Charizard says
        # the stock went down, [6] lowers the quantity, [7] removes a line, and the rest buys.
        ana.send("1")
        ana.send(str(rows["Charizard VMAX"][0]))
        ana.expect(r"Queda 1 unidad de Charizard VMAX y su carrito tiene 3: cambie la cantidad "
                   r"\[6\] o quítelo \[7\]\.")
        ana.send("6")
        ana.expect(r"\[1\] \* Charizard VMAX \[x3\].*\n\[2\] \* Eevee holo \[x1\]")
        ana.expect(r"¿De qué producto cambia la cantidad\? \(0 = volver\)")
        ana.send("1")
        ana.expect(r"¿Cuántas unidades de Charizard VMAX\? \(1 a 1\)")
        ana.send("1")
        ana.expect(r"Ahora: Charizard VMAX \[x1\]\.")
        ana.send("7")
        ana.expect(r"¿Qué producto quita\? \(0 = volver\)")
        ana.send("2")
        ana.expect(r"Quitado del carrito: Eevee holo\.")
        ana.send("4")
        ana.expect(r"\* Charizard VMAX \[x1\] \$[\d.]+\nTotal")
        ana.send("s")
        ana.expect(r"¡Compra realizada!")
        ana.expect(MENU_AGAIN)
        diego.expect(MENU_AGAIN)
        for t in (ana, diego):
            t.send("7")
            check(t.wait() == 0, "exit code")


def invalid_input_gets_the_question_again():
    with Server() as server:
        t = customer(server.port, ANA)
        # The main menu.
        for bad in ("abc", "99", "", "0"):
            t.send(bad)
            t.expect(r"Opción inválida\. Ingrese un número del 1 al 7:")
        # The history's question.
        t.send("2")
        t.expect(r"¿Desea ver más detalles de alguna\? Ingrese su número de operación \(0 = No\)")
        for bad in ("abc", "9999", "", "-1", "1.5"):
            t.send(bad)
            t.expect(r"Número inválido: ingrese uno de los números entre corchetes de la lista, o 0\.\n"
                     r"Asistente: ¿Desea ver más detalles de alguna\? Ingrese su número de "
                     r"operación \(0 = No\)")
        t.send("0")
        t.expect(MENU_AGAIN)
        # The cart menu, the product number, the quantity and the yes/no question.
        rows = open_catalogue(t)
        for bad in ("x", "8", ""):
            t.send(bad)
            t.expect(r"Opción inválida: ingrese un número del 0 al 7\.\nAsistente: Ingrese un número:")
        t.send("1")
        t.expect(r"Ingrese el número del producto \(0 = volver\):")
        t.send("21")
        t.expect(r"Número inválido: ingrese uno de los números entre corchetes de la lista")
        t.send(str(rows["Charizard VMAX"][0]))
        t.expect(r"¿Cuántas unidades de Charizard VMAX\? \(1 a 3\)")
        for bad in ("0", "4", "dos", ""):
            t.send(bad)
            t.expect(r"Cantidad inválida: ingrese un número del 1 al 3\.\n"
                     r"Asistente: ¿Cuántas unidades de Charizard VMAX\? \(1 a 3\)")
        t.send("1")
        t.expect(r"Agregado: Charizard VMAX \[x1\]\.")
        t.send("4")
        t.expect(r"¿Confirma la compra\? \(s/n\)")
        t.send("quizás")
        t.expect(r"Respuesta inválida: responda s \(sí\) o n \(no\)\.\n"
                 r"Asistente: ¿Confirma la compra\? \(s/n\)")
        t.send("n")
        t.expect(r"Compra no confirmada; su carrito se mantiene\.")
        t.send("0")
        t.expect(r"Compra cancelada: no se compró nada\.")
        t.expect(MENU_AGAIN)
        # Return and confirm lists.
        t.send("4")
        t.expect(r"¿Cuál desea devolver\? Ingrese su número \(0 = ninguna\)")
        t.send("z")
        t.expect(r"Número inválido")
        t.send("0")
        t.expect(MENU_AGAIN)
        t.send("5")
        t.expect(r"¿Cuál desea confirmar\? Ingrese su número \(0 = ninguna\)")
        t.send("9999")
        t.expect(r"Número inválido")
        t.send("0")
        t.expect(MENU_AGAIN)
        # Nothing was bought by all this.
        rows_after = open_catalogue(t)
        check(rows_after == rows, "stock changed: %r vs %r" % (rows_after, rows))
        # The end of the input in the middle of a dialogue ends the client cleanly.
        t.send("1")
        t.expect(r"Ingrese el número del producto")
        t.close_input()
        check(t.wait() == 0, "exit code at end of input:\n" + t.out.text[-2000:])
        server.out.wait_for(r"\[SERVIDOR\] Cliente Ana Rojas desconectado\.")


if __name__ == "__main__":
    run(password_change_then_login)
    run(seed_password_with_shorter_minimum)
    run(buy_two_lines_then_return)
    run(confirm_shipment_then_reception)
    run(race_for_the_last_units)
    run(invalid_input_gets_the_question_again)
