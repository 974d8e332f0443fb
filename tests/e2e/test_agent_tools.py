"""Agent tools end to end (issue 17) with the real terminals: a canned reply arriving with
{nombre} filled in, a note written by one executive shown to another who later takes the
customer, past chats listed and shown to the executive and to the customer, the satisfaction
survey stored and counted in the report (whose CSV and JSON are parsed here, read while the
server runs), typing shown and cleared in a real terminal, and each bad input the issue lists
refused with a clear message."""
import csv
import io

from tcs_e2e import *
from test_admin import admin, ok, refused

ANA = CUSTOMERS[0][0]
VALENTINA, TOMAS = EXECUTIVES[0][0], EXECUTIVES[1][0]
SURVEY = ["--satisfaction-survey", "true"]
RATE_QUESTION = r"¿Cómo evaluaría la atención\? \(1 a 5, 0 = omitir\)"


def connect(ana, val):
    ana.send("6")
    ana.expect(r"Está en la cola de espera")
    val.send(":connect")
    val.expect(r"Asistente: Conectado con Ana Rojas")
    ana.expect(r"Asistente: Lo atiende ")


def first_chat(server, ana, val):
    """Canned replies, notes and their bad inputs, then a 5 with a comment."""
    connect(ana, val)
    val.send(":r")
    val.expect(r"Asistente: Respuestas predefinidas \(:r NOMBRE envía una\):")
    val.expect(r"  saludo: Hola \{nombre\}, soy parte del equipo de TC5G\.")
    val.send(":r saludo")
    ana.expect(r"Valentina: Hola Ana, soy parte del equipo de TC5G\. ¿En qué le puedo ayudar\?")
    val.expect(r"Asistente: Enviado a Ana: Hola Ana, soy parte")
    val.send(":r inexistente")
    val.expect(r"Asistente: No hay una respuesta predefinida llamada «inexistente» "
               r"\(:r las lista\)\.")
    val.send(":nota")
    val.expect(r"Asistente: La nota está vacía: escriba :nota TEXTO\.")
    val.send(":nota " + "x" * 501)
    val.expect(r"Asistente: La nota es demasiado larga \(máximo 500 bytes; tiene 501\)\.")
    val.send(":nota Prefiere envíos a regiones")
    val.expect(r"Asistente: Nota guardada sobre Ana Rojas \(solo la ven los ejecutivos\)\.")
    ana.send("Quiero vender una Caterpie")
    val.expect(r"Ana: Quiero vender una Caterpie")
    val.send(":conversaciones")
    val.expect(r"Asistente: Conversaciones de Ana Rojas \(:conversacion N muestra una\):\n"
               r"\[\d+\] \d\d/\d\d/\d{4} \d\d:\d\d, Valentina Reyes, 2 líneas, en curso")
    val.send(":disconnect")
    val.expect(r"Asistente: Terminó la conversación con Ana Rojas\.")
    # The survey: a 7 and letters are refused and asked again; nothing is stored meanwhile.
    ana.expect(RATE_QUESTION)
    for bad in ("7", "cinco"):
        ana.send(bad)
        ana.expect(r"Evaluación inválida: ingrese un número del 1 al 5, o 0 para omitir\.\n"
                   r"Asistente: " + RATE_QUESTION)
    report = csv_report(server.db)
    check(report["total"][0]["csat_count"] == "0", "a bad rating was counted: %r" % report)
    ana.send("5")
    ana.expect(r"¿Desea agregar un comentario\? \(Enter para terminar\)")
    ana.send("Muy amable")
    ana.expect(r"¡Gracias por su evaluación!")
    ana.expect(r"¿Desea realizar otra operación\?")


def csv_report(db, *args):
    """`tcs-server report --format csv`, parsed: rows by their `row` column."""
    out = ok(admin(db, "report", "--format", "csv", *args), "report --format csv")
    rows = {}
    for row in csv.DictReader(io.StringIO(out)):
        rows.setdefault(row["row"], []).append(row)
    return rows


def canned_notes_transcripts_and_survey():
    with Server(extra_args=SURVEY) as server:
        ana = customer(server.port, ANA)
        val = executive(server.port, VALENTINA)
        first_chat(server, ana, val)

        # Tomás takes Ana later: he is shown Valentina's note, and reads the first chat.
        tomas = executive(server.port, TOMAS)
        ana.send("s")
        ana.expect(r"Ingrese un número:")
        ana.send("6")
        ana.expect(r"Está en la cola de espera")
        tomas.send(":connect")
        tomas.expect(r"Asistente: Conectado con Ana Rojas")
        tomas.expect(r"Asistente: Notas internas sobre Ana Rojas \(1\):\n"
                     r"  \d\d/\d\d/\d{4} \d\d:\d\d, Valentina Reyes: Prefiere envíos a regiones")
        tomas.send(":history")
        tomas.expect(r"Asistente: Notas internas sobre Ana Rojas \(1\):")
        tomas.send(":conversaciones")
        tomas.expect(r"Valentina Reyes, 2 líneas, terminada por el ejecutivo")
        chat_id = re.findall(r"\[(\d+)\] [^\n]*, Valentina Reyes, 2 líneas", tomas.out.text)[-1]
        tomas.send(":conversacion " + chat_id)
        tomas.expect(r"Conversación \[%s\] .*\n\[\d\d:\d\d\] Valentina: Hola Ana, soy parte"
                     % chat_id)
        tomas.expect(r"\[\d\d:\d\d\] Ana: Quiero vender una Caterpie")
        tomas.send(":conversacion 99999")
        tomas.expect(r"Asistente: La conversación #99999 no es de este cliente "
                     r"\(:conversaciones las lista\)\.")
        tomas.send(":conversacion tres")
        tomas.expect(r"Asistente: Uso: :conversacion <n>")
        check("Muy amable" not in tomas.out.text and "Muy amable" not in val.out.text,
              "an executive saw a rating's comment")
        tomas.send(":disconnect")
        ana.expect(RATE_QUESTION)
        ana.send("0")
        ana.expect(r"Encuesta omitida\.")
        ana.expect(r"¿Desea realizar otra operación\?")

        # The customer reads her own chats from the history (2, then c).
        ana.send("s")
        ana.expect(r"Ingrese un número:")
        ana.send("2")
        ana.expect(r"\(Para ver sus conversaciones con ejecutivos, escriba c\.\)")
        ana.send("c")
        ana.expect(r"Sus conversaciones con ejecutivos:\n\[\d+\] .*Tomás Herrera, 0 líneas, "
                   r"terminada por el ejecutivo\n\[%s\] " % chat_id)
        ana.expect(r"¿Cuál desea leer\? Ingrese su número \(0 = ninguna\)")
        ana.send(chat_id)
        ana.expect(r"\[\d\d:\d\d\] Valentina: Hola Ana")
        ana.send("0")
        ana.expect(r"¿Desea ver más detalles de alguna\?")
        ana.send("0")
        ana.expect(r"¿Desea realizar otra operación\?")

        # The report, read while the server runs: one rating of 5, by Valentina's chat.
        report = csv_report(server.db)
        by_name = {r["executive"]: r for r in report["executive"]}
        check(by_name["Valentina Reyes"]["chats"] == "1", "report: %r" % report)
        check(by_name["Valentina Reyes"]["csat_count"] == "1", "report: %r" % report)
        check(by_name["Valentina Reyes"]["csat_average"] == "5.00", "report: %r" % report)
        check(by_name["Tomás Herrera"]["csat_count"] == "0", "report: %r" % report)
        check(report["total"][0]["chats"] == "2", "report: %r" % report)
        check(report["total"][0]["csat_count"] == "1", "report: %r" % report)
        check(int(report["total"][0]["wait_median_s"]) >= 0, "report: %r" % report)
        data = json.loads(ok(admin(server.db, "report", "--format", "json"), "report json"))
        check(data["total"]["csat_average"] == 5.0, "report json: %r" % data)
        print(ok(admin(server.db, "report"), "report"))
        # Bad inputs of the report: an inverted range, a date that is not one, a format.
        refused(admin(server.db, "report", "--since", "2026-12-02", "--until", "2026-12-01"), 2,
                r"--since 2026-12-02 is after --until 2026-12-01: the range is inverted",
                "inverted range")
        refused(admin(server.db, "report", "--since", "ayer"), 2, r"is not a date YYYY-MM-DD",
                "bad date")
        refused(admin(server.db, "report", "--format", "xml"), 2, r"unknown --format", "format")
        for t in (ana, val, tomas):
            t.close_input()
            t.wait()


def canned_admin_commands():
    directory, db = tempfile.mkdtemp(prefix="tcs-canned-"), None
    db = os.path.join(directory, "tcs.db")
    with Server(demo=False, db=db):
        pass  # creates and migrates the file
    ok(admin(db, "canned", "add", "gracias", "Gracias {nombre}."), "canned add")
    refused(admin(db, "canned", "add", "GRACIAS", "Otra"), 1, r"a canned reply named", "dup")
    refused(admin(db, "canned", "add", "con espacio", "x"), 1, r"El nombre de una respuesta",
            "bad name")
    check("gracias\tGracias {nombre}." in ok(admin(db, "canned", "list"), "canned list"),
          "canned list")
    refused(admin(db, "canned", "remove", "nada"), 1, r"no canned reply named", "remove unknown")
    ok(admin(db, "canned", "remove", "gracias"), "canned remove")
    check("No canned replies" in ok(admin(db, "canned", "list"), "empty list"), "empty list")


def typing_shown_and_cleared():
    from tmux_pane import Pane
    with Server() as server:
        ana = RawClient(server.port)
        ana.hello()
        check(ana.login_customer()["ok"], "login")
        check(ana.request("queue.join")["ok"], "queue.join")
        with Pane([EXEC, "--port", str(server.port)], width=100) as pane:
            pane.wait_for(r"usuario:[ ]*$")
            pane.type(VALENTINA)
            pane.wait_for(r"contraseña:[ ]*$")
            pane.type(EXEC_PASSWORD)
            pane.wait_for(r"código 2FA.*:[ ]*$")
            pane.type(totp())
            pane.wait_for(r"Escriba :help para ver los comandos\.")
            pane.type(":connect")
            pane.wait_for(r"Conectado con Ana Rojas")
            # A half-typed line stays as it is while the notice comes and goes.
            pane.type("hola a me", enter=False)
            typing = ana.request("chat.typing")
            check(typing["ok"] and typing["relayed"], "chat.typing: %r" % typing)
            pane.wait_for(r"\(Ana está escribiendo…\) Valentina: hola a me[ ]*$")
            pane.wait_for(r"\nValentina: hola a me[ ]*$", timeout=15)  # 5 s of silence
            # Typing in the real terminal notifies the customer.
            pane.type("dio", enter=False)
            while True:
                event = ana.recv()
                check(event is not None, "no chat.typing from the executive")
                if event.get("type") == "chat.typing":
                    check(event["from"] == "Valentina", "typing: %r" % event)
                    break
            # The customer's line clears the notice at once.
            check(ana.request("chat.typing")["relayed"], "second notice not relayed")
            pane.wait_for(r"\(Ana está escribiendo…\) Valentina: hola a medio[ ]*$")
            check(ana.request("chat.send", text="listo")["ok"], "chat.send")
            pane.wait_for(r"Ana: listo\nValentina: hola a medio[ ]*$")
        ana.close()


if __name__ == "__main__":
    run(canned_notes_transcripts_and_survey)
    run(canned_admin_commands)
    run(typing_shown_and_cleared)
