"""Support routing end to end with the real terminals (issue 16): an away executive is not
offered customers, nobody to help, the wait estimate and who is waiting when an executive
becomes free."""
from tcs_e2e import *

ANA, BENJAMIN = CUSTOMERS[0][0], CUSTOMERS[1][0]
VALENTINA, TOMAS = EXECUTIVES[0][0], EXECUTIVES[1][0]


def away_executive_not_offered():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        tomas = executive(server.port, TOMAS)
        ana = customer(server.port, ANA)
        ben = customer(server.port, BENJAMIN)
        val.send(":ausente")
        val.expect(r"Asistente: Está ausente: no se le ofrecerán clientes \(clientes esperando: 0\)")
        ana.send("6")
        ana.expect(r"Asistente: Está en la cola de espera, posición 1\. Lo atenderán en breve\.")
        tomas.expect(r"Asistente: El cliente Ana Rojas se quiere conectar")
        val.expect(r"Asistente: Clientes esperando: 1\.")
        check("Ana Rojas se quiere conectar" not in val.out.text, "an away executive was offered")
        val.send(":connect")
        val.expect(r"Asistente: Está ausente: use :disponible")
        val.send(":status")
        val.expect(r"Ejecutivos: Valentina Reyes \(ausente; valentina\.reyes@example\.com\), "
                   r"Tomás Herrera \(disponible; tomas\.herrera@example\.com\)\.")
        tomas.send(":connect")
        tomas.expect(r"Asistente: Conectado con Ana Rojas")
        val.expect(r"Asistente: Clientes esperando: 0\.")
        # Benjamín queues while Tomás is busy and Valentina away: both see only the count.
        ben.send("6")
        ben.expect(r"posición 1\. Espera estimada: unos 5 min\.")  # Tomás's chat must end
        tomas.expect(r"Asistente: Clientes esperando: 1\.")
        val.expect(r"Asistente: Clientes esperando: 1\.")
        # Valentina comes back: told at once who is waiting.
        val.send(":disponible")
        val.expect(r"Asistente: Clientes esperando \(1\): Benjamín Soto \(\d+ s\)\. "
                   r":connect para atender\.")
        val.expect(r"Asistente: Está disponible \(clientes esperando: 1\)\.")
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Benjamín Soto")
        for t in (ana, ben):
            t.close_input()
            t.wait()
        for t in (val, tomas):
            t.send(":exit")
            check(t.wait() == 0, "exit code:\n" + t.out.text)


def nobody_to_help():
    with Server() as server:
        ana = customer(server.port, ANA)
        ana.send("6")
        ana.expect(r"Asistente: No hay ningún ejecutivo disponible en este momento\. Puede "
                   r"esperar igual \(lo atenderán cuando uno se conecte\) o escribir :salir "
                   r"para volver al menú\.")
        ana.expect(r"Asistente: Está en la cola de espera, posición 1\. Escriba :salir")
        ana.send(":salir")
        ana.expect(r"Asistente: Salió de la cola de espera\.")
        ana.expect(r"¿Desea realizar otra operación\?")
        ana.send("7")
        check(ana.wait() == 0, "exit code:\n" + ana.out.text)


def estimate_and_who_waits():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        ana = customer(server.port, ANA)
        ben = customer(server.port, BENJAMIN)
        ana.send("6")
        ana.expect(r"posición 1\. Lo atenderán en breve\.")
        ben.send("6")
        # One executive, free: Ana is next; Benjamín waits for a chat of the default 5 min.
        ben.expect(r"Asistente: Está en la cola de espera, posición 2\. "
                   r"Espera estimada: unos 5 min\.")
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Ana Rojas")
        ben.expect(r"Asistente: Su posición en la cola: 1\. Espera estimada: unos 5 min\.")
        val.send(":disconnect")
        val.expect(r"Asistente: Clientes esperando \(1\): Benjamín Soto \(\d+ s\)\.")
        val.send(":status")
        val.expect(r"Espera promedio de la última hora: \d+ s\.")
        for t in (ana, ben):
            t.close_input()
            t.wait()
        val.send(":exit")
        check(val.wait() == 0, "exit code:\n" + val.out.text)


def auto_assignment():
    with Server(extra_args=("--assignment", "auto")) as server:
        val = executive(server.port, VALENTINA)
        time.sleep(1.1)  # Valentina has been idle longer than Tomás
        tomas = executive(server.port, TOMAS)
        ana, ben, cam = (customer(server.port, email) for email, _ in CUSTOMERS[:3])
        ana.send("6")
        ana.expect(r"Asistente: Lo atiende Valentina Reyes\.")
        val.expect(r"Asistente: Se le asignó a Ana Rojas \(ana\.rojas@example\.com\), que "
                   r"esperó \d+ s\. Lo que escriba se le envía")
        ben.send("6")
        ben.expect(r"Asistente: Lo atiende Tomás Herrera\.")
        tomas.expect(r"Asistente: Se le asignó a Benjamín Soto")
        cam.send("6")
        cam.expect(r"posición 1\.")
        # Valentina ends her chat: Camila, the only one waiting, goes to her at once.
        val.send(":disconnect")
        val.expect(r"Asistente: Se le asignó a Camila Fuentes")
        val.expect(r"Asistente: Terminó la conversación con Ana Rojas\.")
        cam.expect(r"Asistente: Lo atiende Valentina Reyes\.")
        val.send("hola Camila")
        cam.expect(r"Valentina: hola Camila")
        for t in (ana, ben, cam):
            t.close_input()
            t.wait()
        for t in (val, tomas):
            t.send(":exit")
            check(t.wait() == 0, "exit code:\n" + t.out.text)


def transfer_between_executives():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        tomas = executive(server.port, TOMAS)
        ana = customer(server.port, ANA)
        ana.send("6")
        ana.expect(r"posición 1\.")
        val.send(":transferir tomas.herrera@example.com")  # no chat yet
        val.expect(r"Asistente: No está conversando con ningún cliente")
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Ana Rojas")
        ana.expect(r"Asistente: Lo atiende Valentina Reyes\.")
        ana.send("hola, vendo un Mew")
        val.expect(r"Ana: hola, vendo un Mew")
        val.send(":transferir")
        val.expect(r"Asistente: Uso: :transferir <correo>")
        val.send(":transferir nadie@example.com")
        val.expect(r"Asistente: No hay ningún ejecutivo conectado con el correo "
                   r"nadie@example\.com\.")
        val.send(":transferir valentina.reyes@example.com")
        val.expect(r"Asistente: No puede transferirse la conversación a sí mismo\.")
        val.send(":transferir tomas.herrera@example.com")
        val.expect(r"Asistente: Transfirió a Ana Rojas a Tomás Herrera\.")
        tomas.expect(r"Asistente: Valentina Reyes le transfirió a Ana Rojas "
                     r"\(ana\.rojas@example\.com\)\. Lo que escriba se le envía")
        tomas.expect(r"Asistente: La conversación hasta ahora:")
        tomas.expect(r"Ana: hola, vendo un Mew")
        ana.expect(r"Asistente: Valentina lo transfirió a Tomás Herrera, que sigue la "
                   r"conversación\.")
        tomas.send("hola Ana, soy Tomás")
        ana.expect(r"Tomás: hola Ana, soy Tomás")
        ana.send("perfecto")
        tomas.expect(r"Ana: perfecto")
        check("perfecto" not in val.out.text, "the old executive still got the chat")
        for t in (ana,):
            t.close_input()
            t.wait()
        for t in (val, tomas):
            t.send(":exit")
            check(t.wait() == 0, "exit code:\n" + t.out.text)


def requeue_to_head():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        ana = customer(server.port, ANA)
        ben = customer(server.port, BENJAMIN)
        ana.send("6")
        ana.expect(r"posición 1\.")
        ben.send("6")
        ben.expect(r"posición 2\.")
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Ana Rojas")
        ben.expect(r"Su posición en la cola: 1\.")
        val.send(":devolver")
        # Offered again (queue.joined) before the reply: Valentina is free now.
        val.expect(r"Asistente: El cliente Ana Rojas se quiere conectar")
        val.expect(r"Asistente: Ana Rojas volvió al primer lugar de la cola de espera\.")
        ana.expect(r"Asistente: Valentina lo devolvió a la cola de espera\.")
        ana.expect(r"Asistente: Sigue en la cola de espera, posición 1\.")
        ben.expect(r"Su posición en la cola: 2\.")
        val.send(":devolver")
        val.expect(r"Asistente: No está conversando con ningún cliente")
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Ana Rojas")
        ana.expect(r"Asistente: Lo atiende Valentina Reyes\.")
        for t in (ana, ben):
            t.close_input()
            t.wait()
        val.send(":exit")
        check(val.wait() == 0, "exit code:\n" + val.out.text)


def time_limits():
    # auto: the second time Ana is served at once, before her 2 s are up on a loaded machine.
    with Server(extra_args=("--max-queue-wait", "2", "--chat-idle-close", "3",
                            "--assignment", "auto")) as server:
        ana = customer(server.port, ANA)
        ana.send("6")
        ana.expect(r"Asistente: Está en la cola de espera, posición 1\.")
        ana.expect(r"Asistente: Lleva más de 2 s esperando y no hay un ejecutivo libre: vuelve "
                   r"al menú\.")
        ana.expect(r"¿Desea realizar otra operación\?")
        val = executive(server.port, VALENTINA)
        val.expect(r"Valentina: ")
        ana.send("6")
        ana.expect(r"Asistente: Lo atiende Valentina Reyes\.")
        val.expect(r"Asistente: Se le asignó a Ana Rojas")
        ana.send("hola")
        val.expect(r"Ana: hola")
        msg = r"Asistente: La conversación se cerró por inactividad \(3 s sin mensajes\)\."
        val.expect(msg)
        ana.expect(msg)
        ana.expect(r"¿Desea realizar otra operación\?")
        ana.send("7")
        check(ana.wait() == 0, "exit code:\n" + ana.out.text)
        val.send(":exit")
        check(val.wait() == 0, "exit code:\n" + val.out.text)


if __name__ == "__main__":
    run(away_executive_not_offered)
    run(nobody_to_help)
    run(estimate_and_who_waits)
    run(auto_assignment)
    run(transfer_between_executives)
    run(requeue_to_head)
    run(time_limits)
