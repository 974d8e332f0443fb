"""Several chats per executive end to end with the real terminals (issue 16, item 5): an
executive with two slots serves two customers, switches between them with :cambiar, and each
line goes to the right customer; the bad inputs (:cambiar out of range or not a number,
:connect with no free slot) get a clear Spanish message and change nothing."""
from tcs_e2e import *

ANA, BENJAMIN, CAMILA = (email for email, _ in CUSTOMERS[:3])
VALENTINA = EXECUTIVES[0][0]


def two_chats_and_switching():
    with Server(extra_args=("--max-chats-per-executive", "2")) as server:
        val = executive(server.port, VALENTINA)
        ana, ben, cam = (customer(server.port, email) for email in (ANA, BENJAMIN, CAMILA))
        ana.send("6")
        ana.expect(r"posición 1\.")
        ben.send("6")
        ben.expect(r"posición 2\.")
        cam.send("6")
        cam.expect(r"posición 3\.")

        val.send(":connect")
        val.expect(r"Asistente: Conectado con Ana Rojas \(ana\.rojas@example\.com\)\. Lo que "
                   r"escriba se le envía")
        ana.expect(r"Asistente: Lo atiende Valentina Reyes\.")
        val.send(":connect")  # a second slot: another customer
        val.expect(r"Asistente: Conectado con Benjamín Soto \(benjamin\.soto@example\.com\) "
                   r"\(conversación 2; :chats las lista\)\.")
        ben.expect(r"Asistente: Lo atiende Valentina Reyes\.")
        cam.expect(r"Su posición en la cola: 1\.")
        val.send(":connect")  # no free slot: refused, Camila keeps her place
        val.expect(r"Asistente: No tiene cupo para otra conversación: ya atiende 2, el máximo")

        # Lines go to the current chat (Benjamín, the last taken).
        val.send("hola Benjamín")
        ben.expect(r"Valentina: hola Benjamín")
        # A line from the other chat names its chat and customer.
        ana.send("¿sigue ahí?")
        val.expect(r"\(1\) Ana Rojas: ¿sigue ahí\?")

        val.send(":chats")
        val.expect(r"Asistente: Conversaciones abiertas \(2 de 2\):")
        val.expect(r"  +1 Ana Rojas \(ana\.rojas@example\.com\), desde las \d\d:\d\d, última "
                   r"línea \d\d:\d\d")
        val.expect(r"\* 2 Benjamín Soto \(benjamin\.soto@example\.com\)")

        # Bad inputs: a clear message, nothing changes.
        val.send(":cambiar dos")
        val.expect(r"Asistente: Uso: :cambiar <número>   \(ej\.: :cambiar 2\)")
        val.send(":cambiar")
        val.expect(r"Asistente: Uso: :cambiar <número>")
        val.send(":cambiar 3")
        val.expect(r"Asistente: No existe la conversación 3: use un número de 1 a 2 "
                   r"\(vea :chats\)\.")
        val.send("sigo con usted, Benjamín")
        ben.expect(r"Valentina: sigo con usted, Benjamín")

        val.send(":cambiar 1")
        val.expect(r"Asistente: Ahora le escribe a Ana Rojas \(ana\.rojas@example\.com\), "
                   r"conversación 1\.")
        val.send("sí, aquí estoy")
        ana.expect(r"Valentina: sí, aquí estoy")
        ben.send("gracias")
        val.expect(r"\(2\) Benjamín Soto: gracias")

        # :disconnect ends the current chat (Ana's); Benjamín's goes on. A slot is free:
        # Valentina is told who waits.
        val.send(":disconnect")
        val.expect(r"Asistente: Clientes esperando \(1\): Camila Fuentes")
        val.expect(r"Asistente: Terminó la conversación con Ana Rojas\. Le queda 1 conversación "
                   r"abierta: :cambiar N elige a quién le escribe")
        ana.expect(r"Valentina terminó la conversación")
        val.send("¿hola?")  # no current chat: never sent to Benjamín on its own
        val.expect(r"Asistente: No tiene una conversación elegida: use :cambiar N")
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Camila Fuentes \(camila\.fuentes@example\.com\) "
                   r"\(conversación 1; :chats las lista\)\.")
        val.send("hola Camila")
        cam.expect(r"Valentina: hola Camila")

        for text, who in (("hola Benjamín", ana), ("sí, aquí estoy", ben), ("¿hola?", ben),
                          ("hola Camila", ben), ("sigo con usted", ana)):
            check("Valentina: " + text not in who.out.text, "a line reached the wrong customer")
        check("Lo atiende" not in cam.out.text.split("Su posición en la cola: 1.")[0],
              "Camila was served without a free slot")
        for t in (ana, ben, cam):
            t.close_input()
            t.wait()
        val.send(":exit")
        check(val.wait() == 0, "exit code:\n" + val.out.text)


def one_slot_is_the_default():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        ana, ben = (customer(server.port, email) for email in (ANA, BENJAMIN))
        ana.send("6")
        ana.expect(r"posición 1\.")
        ben.send("6")
        ben.expect(r"posición 2\.")
        val.send(":connect")
        val.expect(r"Asistente: Conectado con Ana Rojas \(ana\.rojas@example\.com\)\. Lo que")
        val.send(":connect")
        val.expect(r"Asistente: Ya está conversando con un cliente: termine esa conversación "
                   r"primero\.")
        val.send(":cambiar 2")
        val.expect(r"Asistente: No existe la conversación 2: use solo la 1 \(vea :chats\)\.")
        val.send(":chats")
        val.expect(r"Asistente: Conversaciones abiertas \(1 de 1\):")
        ana.send("hola")
        val.expect(r"\] Ana: hola")  # one chat: labelled as always
        for t in (ana, ben):
            t.close_input()
            t.wait()
        val.send(":exit")
        check(val.wait() == 0, "exit code:\n" + val.out.text)


if __name__ == "__main__":
    run(two_chats_and_switching)
    run(one_slot_is_the_default)
