"""What a new user stumbled on in tcs-client and tcs-exec (issue 18), through pipes: Spanish
help and errors, formatted amounts and error reasons, "no" meaning no, the password change,
the cart, the executive's `:` lines, one numbering, returns, stale views, offers answered
while chatting, long pastes, and no escape codes on pipes. The parts only a real terminal
shows (resize, Ctrl-C, Tab, colours) are test_terminal_tmux.py's."""
import signal

from tcs_e2e import *

ANA, BENJAMIN = CUSTOMERS[0][0], CUSTOMERS[1][0]
VALENTINA, TOMAS = EXECUTIVES[0][0], EXECUTIVES[1][0]
MENU_AGAIN = r"¿Desea realizar otra operación\?\n(?:.*\n)*?Asistente: Ingrese un número:"


def run_quick(args, stdin=""):
    """Runs a terminal program to its end; returns (exit code, stdout + stderr)."""
    p = subprocess.run(args, input=stdin.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode("utf-8", errors="replace")


def spanish_help_and_errors():
    for binary in (CLIENT, EXEC):
        code, out = run_quick([binary, "--help"])
        check(code == 0 and "Opciones" in out and "muestra esta ayuda" in out
              and "puerto del servidor" in out, "--help:\n" + out)
        check("Options" not in out and "show this help" not in out, "English help:\n" + out)
        code, out = run_quick([binary, "--colour"])
        check(code == 2 and "opción desconocida: --colour" in out, "bad option:\n" + out)
        code, out = run_quick([binary, "--port"])
        check(code == 2 and "falta el valor de --port" in out, "missing value:\n" + out)
    # Nothing listens on this port: the reason is Spanish.
    port = free_port()
    code, out = run_quick([CLIENT, "--port", str(port)], ANA + "\ncliente123\n")
    check(code == 1 and "conexión rechazada" in out and "refused" not in out,
          "connection refused:\n" + out)


def menu_text_and_no_means_no():
    with Server() as server:
        t = customer(server.port, ANA)
        check("infinito" not in t.out.text, "the assignment's note is in the menu")
        t.send("2")
        t.expect(r"¿Desea ver más detalles de alguna\?")
        t.send("0")
        t.expect(MENU_AGAIN)
        t.send("sí")
        t.expect(r"Asistente: Ingrese un número:")
        t.send("no")
        t.expect(r"¡Hasta pronto, Ana!")
        check(t.wait() == 0, "exit code after no")
        check("Opción inválida" not in t.out.text, "no was taken for an option:\n" + t.out.text)


def activity_reads_spanish():
    """The executive's :history shows amounts as $12.990 and failures in Spanish."""
    with Server() as server:
        ana = customer(server.port, ANA)
        ana.send("1")
        ana.expect(r"Ingrese su contraseña actual\.")
        ana.send("mala-clave")
        ana.expect(r"La contraseña actual no es correcta\.")
        ana.expect(r"Ingrese su contraseña actual\.")
        ana.send("")
        ana.expect(MENU_AGAIN)
        ana.send("3")
        ana.expect(r"Ingrese un número:")
        ana.send("1")
        ana.expect(r"Ingrese el número del producto")
        ana.send(str(product_number(ana.out.text, "Pikachu ex")))
        ana.expect(r"¿Cuántas unidades")
        ana.send("2")
        ana.expect(r"Ingrese un número:")
        ana.send("4")
        ana.expect(r"¿Confirma la compra\?")
        ana.send("s")
        ana.expect(r"¡Compra realizada!")
        ana.expect(MENU_AGAIN)
        ana.send("6")
        ana.expect(r"cola de espera")
        val = executive(server.port, VALENTINA)
        val.send(":connect")
        val.expect(r"Conectado con Ana Rojas")
        val.send(":history")
        val.expect(r"compra \(operación #\d+: 2 productos, total \$25\.980\)")
        check(re.search(r"\[falló: credenciales incorrectas\]", val.out.text),
              "failure reason:\n" + val.out.text[-2000:])
        check(not re.search(r"total \d{4}|_", val.out.text[val.out.text.rindex("Actividad"):]),
              "raw amount or error code:\n" + val.out.text[-2000:])


def executive_colon_lines():
    """Lines starting with ':' (issue 18, item 9): an unknown command is one line with a
    suggestion, never the whole help; '::' sends a line starting with ':'."""
    with Server() as server:
        ana = customer(server.port, ANA)
        val = executive(server.port, VALENTINA)
        ana.send("6")
        ana.expect(r"cola de espera")
        val.send(":conect")
        val.expect(r"Asistente: Comando desconocido: :conect\. ¿Quiso decir :connect\? "
                   r"\(:help lista los comandos; '::' al comienzo envía una línea que empieza "
                   r"con ':'\.\)\n")
        val.send(":connect")
        val.expect(r"Conectado con Ana Rojas")
        mark = val.mark
        val.send(":) de nada")
        val.expect(r"Asistente: Comando desconocido: :\)\. \(:help")
        val.send("::) de nada")
        ana.expect(r"Valentina: :\) de nada")
        val.send(":bye Caterpie 8")
        val.expect(r"¿Quiso decir :buy\?")
        check("Comandos:" not in val.out.text[mark:], "the help was printed:\n" + val.out.text)
        val.send(":exit")
        check(val.wait() == 0, "exec exit code")


def login_after_typing():
    """The login time limit never cuts a person typing (item 2): the terminal connects once
    the credentials are typed, and connects again if the server closed an idle connection
    after a failed attempt. A wrong or used 2FA code asks for the code alone."""
    with Server(extra_args=["--login-timeout", "1"]) as server:
        t = Terminal(CLIENT, server.port)
        t.expect(r"usuario: ")
        time.sleep(3)  # three times the limit, hesitating at usuario:
        t.send(ANA)
        t.send("mala-clave")
        t.expect(r"Correo, contraseña o código incorrectos\. Intente nuevamente\.")
        time.sleep(3)  # the server closes the connection of the failed attempt meanwhile
        t.send(ANA)
        t.send(CUSTOMER_PASSWORD)
        t.expect(r"¡Bienvenido Ana!")
        check("Se perdió la conexión" not in t.out.text and "Tiempo" not in t.out.text,
              "the time limit showed:\n" + t.out.text)
        t.send("7")
        check(t.wait() == 0, "client exit code")

        e = Terminal(EXEC, server.port)
        e.send(VALENTINA)
        e.send(EXEC_PASSWORD)
        e.send("000000" if totp() != "000000" else "111111")
        e.expect(r"Asistente: Código 2FA incorrecto\.\ncódigo 2FA \(Google Authenticator\): ")
        code = totp()
        e.send(code)
        e.expect(r"Hola Valentina")
        e.send(":exit")
        check(e.wait() == 0, "exec exit code")
        again = Terminal(EXEC, server.port)
        again.send(VALENTINA)
        again.send(EXEC_PASSWORD)
        again.send(code)
        again.expect(r"Asistente: Ese código 2FA ya se usó: espere el próximo código\.\n"
                     r"código 2FA \(Google Authenticator\): ")
        again.send(totp(30))
        again.expect(r"Hola Valentina")
        check(again.out.text.count("usuario: ") == 1, "asked for the email again")
        again.send(":exit")
        check(again.wait() == 0, "exec exit code")


def ctrl_c_and_ctrl_d():
    """Ctrl-C (SIGINT) and Ctrl-D (the end of the input) through a pipe (item 3)."""
    with Server() as server:
        t = Terminal(CLIENT, server.port)
        t.expect(r"usuario: ")
        t.close_input()
        t.expect(r"¡Hasta pronto!")
        check(t.wait() == 0, "Ctrl-D at usuario: exit code %r" % t.proc.returncode)

        ana = customer(server.port, ANA)
        ana.proc.send_signal(signal.SIGINT)
        ana.expect(r"Asistente: ¿Desea salir\? \(s/n\)")
        ana.send("n")
        ana.expect(r"Asistente: Ingrese un número:")
        ana.send("3")
        ana.expect(r"¿Qué desea hacer\?")
        ana.send("1")
        ana.expect(r"Ingrese el número del producto")
        ana.proc.send_signal(signal.SIGINT)
        ana.expect(r"Asistente: Cancelado\.\nAsistente: ¿Desea realizar otra operación\?")
        ana.send("6")
        ana.expect(r"Está en la cola de espera")
        ana.proc.send_signal(signal.SIGINT)
        ana.expect(r"Salió de la cola de espera\.")
        ana.expect(MENU_AGAIN)
        val = executive(server.port, VALENTINA)
        ana.send("6")
        ana.expect(r"Está en la cola de espera")
        val.send(":connect")
        ana.expect(r"Lo atiende Valentina Reyes")
        ana.proc.send_signal(signal.SIGINT)
        ana.expect(r"¿Desea terminar la conversación con Valentina\? \(s/n\)")
        ana.send("n")
        ana.send("sigo aquí")
        val.expect(r"Ana: sigo aquí")
        ana.proc.send_signal(signal.SIGINT)
        ana.expect(r"¿Desea terminar la conversación con Valentina\? \(s/n\)")
        ana.send("s")
        ana.expect(r"Terminó la conversación con Valentina\.")
        ana.expect(MENU_AGAIN)
        val.proc.send_signal(signal.SIGINT)
        val.expect(r"¿Desea cerrar sesión\? \(s/n\)")
        val.send("s")
        val.expect(r"Sesión cerrada")
        check(val.wait() == 0, "exec exit code")
        ana.proc.send_signal(signal.SIGINT)
        ana.expect(r"¿Desea salir\? \(s/n\)")
        ana.send("s")
        ana.expect(r"¡Hasta pronto, Ana!")
        check(ana.wait() == 0, "client exit code")


def one_numbering_and_one_rule_for_returns():
    """Items 7 and 8: products and operations carry their own numbers in every list (the
    customer's catalogue shows the ids the executive's :catalogue shows; the history lists the
    operation announced as "Operación #N" as [N]); option 4 offers the purchases option 2
    shows, and says which."""
    with Server() as server:
        ana = customer(server.port, ANA)
        ana.send("3")
        ana.expect(r"¿Qué desea hacer\?")
        pikachu = product_number(ana.out.text, "Pikachu ex")
        ana.send("1")
        ana.send(str(pikachu))
        ana.expect(r"¿Cuántas unidades de Pikachu ex\?")
        ana.send("1")
        ana.send("4")
        ana.send("s")
        ana.expect(r"¡Compra realizada! Operación #(\d+)")
        op = re.findall(r"Operación #(\d+)", ana.out.text)[-1]
        ana.expect(MENU_AGAIN)
        val = executive(server.port, VALENTINA)
        val.send(":catalogue")
        val.expect(r"\n *%d +Pikachu ex +carta" % pikachu)
        ana.send("2")
        end = ana.expect(r"¿Desea ver más detalles de alguna\?")
        history = ana.out.text[ana.out.text.rindex("Sus operaciones"):end]
        check("[%s] compra" % op in history, "history:\n" + history)
        ana.send("0")
        ana.expect(MENU_AGAIN)
        ana.send("4")
        end = ana.expect(r"¿Cuál desea devolver\?")
        returnable = ana.out.text[ana.out.text.rindex("Compras de los últimos 12 meses"):end]
        listed = re.findall(r"^\[(\d+)\] compra", history, re.M)
        offered = re.findall(r"^\[(\d+)\] compra", returnable, re.M)
        check(op in offered, "the new purchase is not offered:\n" + returnable)
        check(set(offered) <= set(listed),
              "returns offered beyond the history: %r vs %r" % (offered, listed))
        ana.send("0")
        ana.expect(MENU_AGAIN)


def long_paste_and_stale_views():
    """Items 10 and 12: a 9,000-character paste arrives whole, in several lines; the
    executive is told when a waiting customer leaves, :details says the position now, and a
    requeued customer's waiting time goes on."""
    with Server() as server:
        ana = customer(server.port, ANA)
        ben = customer(server.port, BENJAMIN)
        val = executive(server.port, VALENTINA)
        ana.send("6")
        ana.expect(r"posición 1")
        ben.send("6")
        ben.expect(r"posición 2")
        val.expect(r"El cliente Benjamín Soto se quiere conectar")
        ana.send(":salir")
        ana.expect(r"Salió de la cola de espera\.")
        val.expect(r"Asistente: El cliente Ana Rojas ya no espera: salió de la cola\. "
                   r"Clientes esperando: 1\.")
        val.send(":details")
        val.expect(r"benjamin\.soto@example\.com Benjamín Soto \(en la cola, posición 1\): ")
        time.sleep(2)
        val.send(":connect")
        val.expect(r"Conectado con Benjamín Soto")
        ben.expect(r"Lo atiende Valentina")
        paste = " ".join("palabra%04d" % i for i in range(800))  # 9,599 characters
        val.send(paste)
        val.expect(r"Su mensaje era largo: se envió en \d+ partes\.")
        ben.expect(r"palabra0799")
        received = "".join(re.findall(r"\] Valentina: (.*)", ben.out.text))
        check(received.replace(" ", "") == paste.replace(" ", ""), "the paste did not arrive whole")
        ben.send(paste)
        ben.expect(r"Su mensaje era largo")
        val.expect(r"palabra0799")
        # Valentina leaves mid-chat: Benjamín goes back to the head of the queue and his
        # waiting time goes on from when he first asked.
        val.kill()
        ben.expect(r"Sigue en la cola de espera, posición 1\.")
        tomas = executive(server.port, TOMAS)
        tomas.send(":status")
        tomas.expect(r"esperando \d+ s")
        m = re.search(r"\[1\] Benjamín Soto \(benjamin\.soto@example\.com\), esperando (\d+) s",
                      tomas.out.text)
        check(m and int(m.group(1)) >= 2, "the waiting time restarted:\n" + tomas.out.text)
        check("\x1b" not in ana.out.text + ben.out.text + tomas.out.text,
              "escape sequences on a pipe")


def product_number(text, name):
    """The number the last catalogue printed in `text` shows for product `name`."""
    table = text[text.rindex("Catálogo de productos:"):]
    m = re.search(r"^\[?#?(\d+)\]?\s+%s\s" % re.escape(name), table, re.M)
    check(m is not None, "no %s in the catalogue:\n%s" % (name, table))
    return int(m.group(1))


if __name__ == "__main__":
    run(spanish_help_and_errors)
    run(menu_text_and_no_means_no)
    run(activity_reads_spanish)
    run(executive_colon_lines)
    run(login_after_typing)
    run(ctrl_c_and_ctrl_d)
    run(one_numbering_and_one_rule_for_returns)
    run(long_paste_and_stale_views)
