"""Support queue and live chat end to end: a full conversation with an offer and a publish,
three executives serving seven customers at once, and either side killed mid-chat."""
from tcs_e2e import *

ANA, BENJAMIN = CUSTOMERS[0][0], CUSTOMERS[1][0]
VALENTINA, TOMAS, ISIDORA, MARTIN = (e for e, _ in EXECUTIVES)


def expect_match(t, pattern, timeout=TIMEOUT):
    """Waits for `pattern` after t's mark; returns the match object and advances."""
    end = t.out.wait_for(pattern, t.mark, timeout)
    match = None
    for match in re.compile(pattern).finditer(t.out.text, t.mark):
        if match.end() == end:
            break
    t.mark = end
    return match


def full_conversation():
    with Server() as server:
        ana = customer(server.port, ANA)
        val = executive(server.port, VALENTINA)

        # Commands that need a customer, wrong usage, unknown commands.
        val.send(":history")
        val.expect(r"Asistente: No está conversando con ningún cliente")
        val.send("hola?")
        val.expect(r"Asistente: No está conversando con ningún cliente")
        val.send(":buy Caterpie")
        val.expect(r"Asistente: Uso: :buy <carta> <precio>")
        val.send(":publish")
        val.expect(r"Asistente: Uso: :publish <carta> \[precio\]")
        val.send(":status ahora")
        val.expect(r"Asistente: Uso: :status")
        val.send(":volar")
        val.expect(r"Asistente: Comando desconocido: :volar\. \(:help lista los comandos")
        val.send(":connect")
        val.expect(r"Asistente: No hay clientes esperando\.")

        # The customer queues; the free executive is told.
        ana.send("6")
        ana.expect(r"Asistente: Está en la cola de espera, posición 1\. Lo atenderán en breve\. "
                   r"Escriba :salir para volver al menú\.")
        val.expect(r"Asistente: El cliente Ana Rojas se quiere conectar")
        val.send(":status")
        val.expect(r"ana\.rojas@example\.com Ana Rojas \(en la cola\)")
        val.expect(r"Cola de espera \(1\):\n  \[1\] Ana Rojas \(ana\.rojas@example\.com\), "
                   r"esperando \d+ s")

        val.send(":connect")
        val.expect(r"Asistente: Conectado con Ana Rojas \(ana\.rojas@example\.com\)")
        ana.expect(r"Asistente: Lo atiende Valentina Reyes\. "
                   r"Escriba :salir para terminar la conversación\.")
        server.out.wait_for(r"\[SERVIDOR\] Cliente Ana Rojas redirigido a ejecutivo "
                            r"Valentina Reyes\.")

        # Messages both ways.
        ana.send("hola tengo un caterpie, excelente estado te lo vendo en $10.")
        val.expect(r"Ana: hola tengo un caterpie, excelente estado te lo vendo en \$10\.")
        val.send("Muy caro te lo compro por $8")
        ana.expect(r"Valentina: Muy caro te lo compro por \$8")
        ana.send("oka")
        val.expect(r"Ana: oka")

        # :operations shows everything (with the dated timeline) to both sides.
        val.send(":operations")
        val.expect(r"Asistente: Operaciones de Ana Rojas \(también se le muestran a él\):")
        val.expect(r"\[\d+\] compra \(\d\d/\d\d/\d{4} \d\d:\d\d\)\n\* .+ \[x\d+\] \$")
        val.expect(r"Estado: \w+")
        val.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d pagado \(Ana Rojas\)")
        ana.expect(r"Asistente: Todas sus operaciones:")
        ana.expect(r"\[\d+\] compra \(\d\d/\d\d/\d{4} \d\d:\d\d\)\n\* .+ \[x\d+\] \$")
        ana.expect(r"Total: \$[\d.]+\nEstado: ")
        ana.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d pagado \(Ana Rojas\)")

        # :history lists the customer's activity, newest first.
        val.send(":history")
        val.expect(r"Asistente: Actividad de Ana Rojas:")
        val.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d derivación a ejecutivo")
        val.expect(r"- \d\d/\d\d/\d{4} \d\d:\d\d solicitud de ejecutivo")
        val.send(":details")
        val.expect(r"ana\.rojas@example\.com Ana Rojas \(en conversación\): ")

        # :buy -> the customer answers (a wrong answer asks again) -> a sale.
        val.send(":buy Caterpie 8")
        val.expect(r"Asistente: Oferta #\d+ enviada: comprar \"Caterpie\" por \$8\.")
        ana.expect(r"Asistente: Valentina ofrece comprarle \"Caterpie\" por \$8\. "
                   r"¿Acepta\? Escriba :si o :no \(mientras tanto puede seguir conversando\)\.")
        val.send(":buy Caterpie 9")  # one open offer per chat
        val.expect(r"Asistente: Ya hay una oferta esperando la respuesta del cliente")
        # The chat goes on while the offer waits (issue 18, item 6).
        ana.send("déjame pensarlo")
        val.expect(r"Ana: déjame pensarlo")
        val.send("claro")
        ana.expect(r"Valentina: claro")
        ana.send(":sí")
        op = expect_match(ana, r"Asistente: Vendió \"Caterpie\" por \$8 \(operación #(\d+)\)")
        val.expect(r"Asistente: Ana aceptó vender \"Caterpie\" por \$8 \(operación #%s\)\."
                   % op.group(1))

        # :publish: Caterpie is unknown to the catalogue, so it needs a price.
        val.send(":publish Caterpie")
        val.expect(r'Asistente: "Caterpie" no está en el catálogo: indique un precio\.')
        val.send(":publish Caterpie 9")
        val.expect(r"Asistente: \"Caterpie\" publicado en el catálogo a \$9 "
                   r"\(stock 1, retenidas 0\)\.")
        val.send(":publish Caterpie 9")  # no more held units
        val.expect(r'Asistente: No hay unidades retenidas de "Caterpie"')

        val.send("estaríamos listos")
        ana.expect(r"Valentina: estaríamos listos")
        ana.send("chao")
        val.expect(r"Ana: chao")
        val.send(":disconnect")
        val.expect(r"Asistente: Terminó la conversación con Ana Rojas\.")
        ana.expect(r"Asistente: Valentina terminó la conversación\.")
        ana.expect(r"¿Desea realizar otra operación\?")
        val.send(":disconnect")
        val.expect(r"Asistente: No está conversando con ningún cliente")

        # The sale is in the customer's history; the card is in the catalogue.
        ana.send("2")
        ana.expect(r"\[(\d+)\] venta")
        history = ana.out.text[ana.out.text.rindex("Sus operaciones de los últimos 12 meses"):]
        sale = re.findall(r"\[(\d+)\] venta", history)[0]  # the newest sale: Caterpie
        ana.expect(r"¿Desea ver más detalles de alguna\? Ingrese su número de operación")
        ana.send(sale)
        ana.expect(r"Caterpie")
        ana.expect(r"¿Desea realizar otra operación\?")
        val.send(":catalogue")
        val.expect(r"Asistente: Catálogo:\n *# +Nombre +Tipo +Precio +Stock +Retenidas")
        val.expect(r"\n *\d+ +Caterpie +carta +\$9 +1 +0\n")

        ana.send("7")
        check(ana.wait() == 0, "customer exit code:\n" + ana.out.text)
        val.send(":exit")
        check(val.wait() == 0, "executive exit code:\n" + val.out.text)


def leave_the_queue():
    with Server() as server:
        ana = customer(server.port, ANA)
        ben = customer(server.port, BENJAMIN)
        ana.send("6")
        ana.expect(r"posición 1\.")
        ben.send("6")
        ben.expect(r"posición 2\.")
        ana.send("hola?")  # nobody is listening yet
        ana.expect(r"Asistente: Aún no lo atiende un ejecutivo; su posición en la cola: 1\.")
        ana.send(":salir")
        ana.expect(r"Asistente: Salió de la cola de espera\.")
        ana.expect(r"¿Desea realizar otra operación\?")
        ben.expect(r"Asistente: Su posición en la cola: 1\.")
        ben.send(":salir")
        ben.expect(r"Asistente: Salió de la cola de espera\.")
        for t in (ana, ben):
            t.send("7")
            check(t.wait() == 0, "exit code:\n" + t.out.text)


def three_executives_seven_customers():
    with Server() as server:
        execs = [executive(server.port, email) for email in (VALENTINA, TOMAS, ISIDORA)]
        names = {email: name for email, name in CUSTOMERS[:7]}
        clients = {email: customer(server.port, email) for email in names}
        for email, c in clients.items():
            c.send("6")
        positions = set()
        for c in clients.values():
            positions.add(int(expect_match(c, r"Está en la cola de espera, posición (\d+)\.")
                              .group(1)))
        check(positions == set(range(1, 8)), "queue positions: %r" % positions)

        served = []
        by_name = {name: email for email, name in names.items()}
        while len(served) < 7:
            progressed = False
            # Each free executive takes the next customer...
            current = {}
            for e in execs:
                e.send(":connect")
                m = expect_match(e, r"Asistente: (?:Conectado con (?P<name>[^(\n]+) \(|"
                                    r"No hay clientes esperando\.)")
                if m.group("name"):
                    current[e] = by_name[m.group("name")]
            # ...chats with it and lets it go.
            for e, email in current.items():
                c = clients[email]
                exec_first = e.out.text.split("Hola ", 1)[1].split(",", 1)[0]
                c.expect(r"Asistente: Lo atiende %s " % exec_first)
                e.send("hola %s" % names[email])
                c.expect(r"%s: hola %s" % (exec_first, re.escape(names[email])))
                c.send("gracias, soy %s" % email)
                e.expect(r"\w+: gracias, soy %s" % re.escape(email))
                e.send(":disconnect")
                e.expect(r"Asistente: Terminó la conversación con %s\." % re.escape(names[email]))
                c.expect(r"terminó la conversación\.")
                c.expect(r"¿Desea realizar otra operación\?")
                served.append(email)
                progressed = True
            check(progressed, "no executive could take a customer; served: %r" % served)
        check(sorted(served) == sorted(names), "served: %r" % served)
        for email, c in clients.items():
            check(c.out.count(r"Asistente: Lo atiende ") == 1,
                  "%s served %d times" % (email, c.out.count(r"Asistente: Lo atiende ")))
        # The last in line saw its position drop to 1 before being served.
        last = [c for c in clients.values() if re.search(r"posición 7\.", c.out.text)][0]
        last.out.wait_for(r"Su posición en la cola: 1\.")
        for c in clients.values():
            c.send("7")
        for e in execs:
            e.send(":exit")
        for t in list(clients.values()) + execs:
            check(t.wait() == 0, "exit code:\n" + t.out.text)


def customer_killed_mid_chat():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        ana = customer(server.port, ANA)
        ben = customer(server.port, BENJAMIN)
        ana.send("6")
        ana.expect(r"posición 1\.")
        ben.send("6")
        ben.expect(r"posición 2\.")
        val.send(":connect")
        val.expect(r"Conectado con Ana Rojas")
        ana.expect(r"Lo atiende Valentina Reyes")
        ben.expect(r"Su posición en la cola: 1\.")
        ana.send("hola")
        val.expect(r"Ana: hola")
        ana.kill()
        val.expect(r"Asistente: El cliente Ana Rojas se desconectó\.")
        val.send("¿sigues ahí?")
        val.expect(r"Asistente: No está conversando con ningún cliente")
        # Free again: :connect takes the next customer.
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Benjamín Soto")
        ben.expect(r"Asistente: Lo atiende Valentina Reyes")
        val.send(":status")
        val.expect(r"Clientes conectados \(1\):\n  benjamin\.soto@example\.com Benjamín Soto "
                   r"\(en conversación\)")
        ben.send(":salir")  # the customer ends the chat
        ben.expect(r"Asistente: Terminó la conversación con Valentina\.")
        val.expect(r"Asistente: Benjamín terminó la conversación\.")
        ben.send("7")
        check(ben.wait() == 0, "exit code:\n" + ben.out.text)
        val.send(":exit")
        check(val.wait() == 0, "exit code:\n" + val.out.text)


def executive_killed_with_open_offer():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        ana = customer(server.port, ANA)
        ben = customer(server.port, BENJAMIN)
        ana.send("6")
        ana.expect(r"posición 1\.")
        val.send(":connect")
        val.expect(r"Conectado con Ana Rojas")
        ana.expect(r"Lo atiende Valentina Reyes")
        ben.send("6")
        ben.expect(r"posición 1\.")
        val.send(":buy Caterpie 8")
        val.expect(r"Oferta #\d+ enviada")
        ana.expect(r"Valentina ofrece comprarle \"Caterpie\" por \$8\. ¿Acepta\? Escriba :si o :no")
        tomas = executive(server.port, TOMAS)
        val.kill()
        ana.expect(r"Asistente: La oferta por \"Caterpie\" fue cancelada\.")
        ana.expect(r"Asistente: Valentina se desconectó\.")
        ana.expect(r"Asistente: Sigue en la cola de espera, posición 1\.")
        ben.expect(r"Asistente: Su posición en la cola: 2\.")
        tomas.expect(r"Asistente: El cliente Ana Rojas se quiere conectar")
        # Another executive's :connect gets the requeued customer first.
        tomas.send(":connect")
        tomas.expect(r"Asistente: Conectado con Ana Rojas")
        ana.expect(r"Asistente: Lo atiende Tomás Herrera\.")
        ben.expect(r"Asistente: Su posición en la cola: 1\.")
        # The cancelled offer is gone: ":si" answers nothing now, and nothing was sold.
        ana.send(":si")
        ana.expect(r"Asistente: No hay ninguna oferta pendiente\.")
        ana.send("s")
        tomas.expect(r"Ana: s")
        tomas.send(":catalogue")
        tomas.send(":help")  # replies come in order: the catalogue is complete before the help
        tomas.expect(r"Asistente: Catálogo:")
        tomas.expect(r"Comandos:")
        check("Caterpie" not in tomas.out.text, "the cancelled offer created a product")
        tomas.send(":disconnect")
        ana.expect(r"¿Desea realizar otra operación\?")
        for t in (ana, ben):
            t.close_input()
            t.wait()
        tomas.send(":exit")
        check(tomas.wait() == 0, "exit code:\n" + tomas.out.text)


if __name__ == "__main__":
    run(full_conversation)
    run(leave_the_queue)
    run(three_executives_seven_customers)
    run(customer_killed_mid_chat)
    run(executive_killed_with_open_offer)
