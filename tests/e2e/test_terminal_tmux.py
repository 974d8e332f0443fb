"""What only a real terminal shows (issue 18): Tab completion of the executive's commands,
Ctrl-C and Ctrl-D, colours (and NO_COLOR), and a resize that leaves the screen intact. The
terminals run in tmux panes (tmux_pane.py); the other party is driven through pipes."""
from tcs_e2e import *
from tmux_pane import Pane

ANA = CUSTOMERS[0][0]
VALENTINA = EXECUTIVES[0][0]


def exec_pane(port, width=100, env=None):
    pane = Pane([EXEC, "--port", str(port)], width=width, env=env)
    pane.wait_for(r"usuario:[ ]*$")
    pane.type(VALENTINA)
    pane.wait_for(r"contraseña:[ ]*$")
    pane.type(EXEC_PASSWORD)
    pane.wait_for(r"código 2FA.*:[ ]*$")
    pane.type(totp())
    pane.wait_for(r"Escriba :help para ver los comandos\.")
    return pane


def client_pane(port, width=100, env=None):
    pane = Pane([CLIENT, "--port", str(port)], width=width, env=env)
    pane.wait_for(r"usuario:[ ]*$")
    pane.type(ANA)
    pane.wait_for(r"contraseña:[ ]*$")
    pane.type(CUSTOMER_PASSWORD)
    pane.wait_for(r"Ingrese un número:")
    return pane


def tab_completes_commands():
    with Server() as server, exec_pane(server.port) as pane:
        pane.type(":disc", enter=False)
        pane.keys("Tab")
        pane.wait_for(r"Valentina: :disconnect[ ]*$")
        pane.keys("C-u")
        pane.type(":st", enter=False)
        pane.keys("Tab")
        pane.wait_for(r"Valentina: :status[ ]*$")
        pane.keys("Enter")
        pane.wait_for(r"No hay clientes conectados\.")


def ctrl_c_and_ctrl_d():
    with Server() as server:
        with Pane([CLIENT, "--port", str(server.port)]) as pane:
            pane.wait_for(r"usuario:[ ]*$")
            pane.keys("C-d")
            pane.wait_for(r"¡Hasta pronto!\s+EXIT=0")
        with client_pane(server.port) as pane:
            pane.type("algo a medias", enter=False)
            pane.keys("C-c")  # drops the half-typed line, keeps the prompt
            pane.wait_for(r"Ana:[ ]*$")
            pane.keys("C-c")  # on an empty line at the menu: asks
            pane.wait_for(r"¿Desea salir\? \(s/n\)\s+Ana:[ ]*$")
            pane.type("n")
            pane.wait_for(r"Ingrese un número:\s+Ana:[ ]*$")
            pane.type("6")
            pane.wait_for(r"Está en la cola de espera")
            pane.keys("C-c")
            pane.wait_for(r"Salió de la cola de espera\.")
            pane.keys("C-c")
            pane.wait_for(r"¿Desea salir\? \(s/n\)\s+Ana:[ ]*$")
            pane.type("s")
            pane.wait_for(r"¡Hasta pronto, Ana!\s+EXIT=0")


def colours_only_on_a_terminal():
    with Server() as server:
        val = executive(server.port, VALENTINA)
        with client_pane(server.port) as pane:
            pane.wait_for(r"\x1b\[36mAsistente:", colours=True)
            pane.type("6")
            pane.wait_for(r"cola de espera")
            val.send(":connect")
            pane.wait_for(r"Lo atiende Valentina")
            val.send("hola Ana")
            shown = pane.wait_for(r"\[\d\d:\d\d\] Valentina:.*hola Ana", colours=True)
            check(re.search(r"\x1b\[33m\[\d\d:\d\d\] Valentina:", shown),
                  "the other party's colour:\n" + repr(shown))
            check(re.search(r"\x1b\[32mAna: ", shown), "the user's colour:\n" + repr(shown))
            val.send(":disconnect")
            pane.wait_for(r"¿Desea realizar otra operación\?")
        with client_pane(server.port, env={"NO_COLOR": "1"}) as pane:
            shown = pane.screen(colours=True)
            check("\x1b[3" not in shown, "colours with NO_COLOR:\n" + repr(shown))
        val.send(":exit")
        val.wait()


def resize_keeps_the_screen():
    """Item 1: widened from 80 to 120 columns with a 90-character line typed, a message that
    arrives must not erase the line above it; narrowed again, the next one neither."""
    with Server() as server:
        val = executive(server.port, VALENTINA)
        with client_pane(server.port, width=80) as pane:
            pane.type("6")
            pane.wait_for(r"cola de espera")
            val.send(":connect")
            pane.wait_for(r"Lo atiende Valentina")
            val.send("primera línea de Valentina")
            pane.wait_for(r"Valentina: primera línea de Valentina")
            pane.resize(120, 24)
            # A line from Valentina after the resize: once it shows, the client has taken the
            # SIGWINCH too (pending before the line was sent, so handled no later than it).
            # Keys typed before that would race readline's idea of the width, a race a person
            # resizing while typing has too, and not what this test is about.
            val.send("tras el cambio de ancho")
            pane.wait_for(r"Valentina: tras el cambio de ancho")
            pane.wait_for(r"Ana:[ ]*$")
            typed = "x" * 90
            pane.type(typed, enter=False)
            pane.wait_for(r"Ana: " + typed, joined=True)
            val.send("segunda línea de Valentina")
            shown = pane.wait_for(r"Valentina: segunda línea de Valentina", joined=True)
            check("Valentina: primera línea de Valentina" in shown,
                  "the line above was erased:\n" + shown)
            check(("Ana: " + typed) in shown, "the typed line was garbled:\n" + shown)
            pane.resize(60, 24)
            val.send("tercera")
            shown = pane.wait_for(r"Valentina: tercera", joined=True)
            check("segunda línea de Valentina" in shown, "narrowing erased a line:\n" + shown)
            pane.keys("Enter")
            val.expect(r"Ana: " + typed)
        val.send(":exit")
        val.wait()


if __name__ == "__main__":
    run(tab_completes_commands)
    run(ctrl_c_and_ctrl_d)
    run(colours_only_on_a_terminal)
    run(resize_keeps_the_screen)
