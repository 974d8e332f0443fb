"""Foundation end to end: ten real terminals (7 customers, 3 executives) logged in at once,
wrong credentials retried, clean exits, and the server's console lines for each."""
from tcs_e2e import *


def ten_users_at_once():
    with Server() as server:
        clients = [customer(server.port, email) for email, _ in CUSTOMERS[:7]]
        execs = [executive(server.port, email) for email, _ in EXECUTIVES[:3]]
        # All ten are logged in at the same time: the server announced each.
        for _, name in CUSTOMERS[:7]:
            server.out.wait_for(r"\[SERVIDOR\] Cliente %s conectado\." % re.escape(name))
        for _, name in EXECUTIVES[:3]:
            server.out.wait_for(r"\[SERVIDOR\] Ejecutivo %s conectado\." % re.escape(name))
        # The last executive saw seven customers online.
        check(re.search(r"Hola Isidora, en este momento hay 7 clientes conectados\.",
                        execs[2].out.text), "executive greeting: " + execs[2].out.text)
        for c in clients:
            c.send("7")
        for e in execs:
            e.send(":exit")
        for t in clients + execs:
            check(t.wait() == 0, "terminal exit code not 0:\n" + t.out.text)
        for _, name in CUSTOMERS[:7]:
            server.out.wait_for(r"\[SERVIDOR\] Cliente %s desconectado\." % re.escape(name))
        for _, name in EXECUTIVES[:3]:
            server.out.wait_for(r"\[SERVIDOR\] Ejecutivo %s desconectado\." % re.escape(name))
        check(server.stop() == 0, "server did not exit 0 on SIGTERM")


def wrong_credentials_then_right():
    with Server() as server:
        t = Terminal(CLIENT, server.port)
        t.expect(r"¡Bienvenido a la plataforma de servicio al cliente de la tienda TC5G!")
        t.expect(r"usuario: ")
        t.send("ana.rojas@example.com")
        t.send("mala-clave")
        t.expect(r"Correo, contraseña o código incorrectos\. Intente nuevamente\.")
        t.send("nadie@example.com")
        t.send("cliente123")
        t.expect(r"Correo, contraseña o código incorrectos\. Intente nuevamente\.")
        t.send("ANA.ROJAS@example.com")  # emails are case-insensitive
        t.send("cliente123")
        t.expect(r"¡Bienvenido Ana! ¿En qué te podemos ayudar\?")
        # A second session of the same account is refused while the first is open.
        second = Terminal(CLIENT, server.port)
        second.send("ana.rojas@example.com")
        second.send("cliente123")
        second.expect(r"Esta cuenta ya tiene una sesión abierta\.")
        second.close_input()
        check(second.wait() != 0, "a client that never logged in must exit non-zero")
        t.send("7")
        check(t.wait() == 0, "exit code")


def executive_code_replay_refused():
    with Server() as server:
        code = totp()
        e = executive(server.port, EXECUTIVES[0][0], code)
        e.send(":exit")
        check(e.wait() == 0, "exit code")
        # The same code again is refused (RFC 6238 5.2); a wrong code too; then a fresh one works.
        # After the right password only the code is asked for again.
        again = Terminal(EXEC, server.port)
        again.send(EXECUTIVES[0][0])
        again.send(EXEC_PASSWORD)
        again.send(code)
        again.expect(r"Ese código 2FA ya se usó: espere el próximo código\.")
        again.send("000000" if code != "000000" else "111111")
        again.expect(r"Código 2FA incorrecto\.")
        again.send(totp(30))  # the next step's code is inside the window
        again.expect(r"Hola Valentina, en este momento hay 0 clientes conectados\.")
        again.send(":exit")
        check(again.wait() == 0, "exit code")


def shutdown_tells_users():
    with Server() as server:
        c = customer(server.port)
        check(server.stop() == 0, "server exit code on SIGTERM")
        c.expect(r"El servidor se está apagando")
        check(c.wait() != 0, "client should exit non-zero when the server goes away")


if __name__ == "__main__":
    run(ten_users_at_once)
    run(wrong_credentials_then_right)
    run(executive_code_replay_refused)
    run(shutdown_tells_users)
