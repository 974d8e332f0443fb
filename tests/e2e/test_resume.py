"""Issue 16, item 8: reconnect and resume with the real terminals. A TCP proxy (cut_proxy.py)
between tcs-client and tcs-server cuts the customer's connection mid-chat without killing
either process; the client reconnects on its own, resumes within the grace and shows the lines
it missed. Also: a resume after the grace is refused (the client says so and stops), a used or
forged token is refused and changes nothing, and the line being typed survives a cut (tmux)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import time  # noqa: E402

from cut_proxy import CutProxy  # noqa: E402
from tcs_e2e import (CLIENT, CUSTOMER_PASSWORD, CUSTOMERS, RawClient, Server, Terminal,  # noqa: E402
                     check, customer, executive, run)

ANA = CUSTOMERS[0][0]


def chat_through_proxy(server, proxy):
    """Ana (through the proxy) in a chat with Valentina (direct). Returns (ana, valentina)."""
    ana = customer(proxy.port)
    ana.send("6")
    ana.expect(r"posición 1")
    valentina = executive(server.port)
    valentina.send(":connect")
    valentina.expect(r"Conectado con Ana Rojas")
    ana.expect(r"Lo atiende Valentina")
    ana.send("hola, ¿me escuchas?")
    valentina.expect(r"Ana: hola, ¿me escuchas\?")
    return ana, valentina


def cut_mid_chat_resumes():
    with Server(extra_args=["--resume-grace", "30"]) as server:
        proxy = CutProxy(server.port)
        ana, valentina = chat_through_proxy(server, proxy)
        proxy.sever()
        ana.expect(r"Se perdió la conexión con el servidor\. Reconectando")
        valentina.expect(r"Ana perdió la conexión; esperando que vuelva…")
        server.out.wait_for(r"Cliente Ana Rojas perdió la conexión; se guarda su sesión 30 s\.")
        # Both processes live on; the chat is kept while Valentina writes.
        check(ana.proc.poll() is None and valentina.proc.poll() is None, "a terminal exited")
        valentina.send("¿sigues ahí?")
        valentina.send("te espero")
        ana.send("escribí durante el corte")  # waits for the new connection
        time.sleep(1.0)
        proxy.restore()
        ana.expect(r"Conexión recuperada\. Lo que pasó mientras tanto:")
        ana.expect(r"Valentina: ¿sigues ahí\?")
        ana.expect(r"Valentina: te espero")
        valentina.expect(r"Ana volvió\.")
        valentina.expect(r"Ana: escribí durante el corte")
        server.out.wait_for(r"Cliente Ana Rojas recuperó su sesión\.")
        ana.send("aquí estoy")
        valentina.expect(r"Ana: aquí estoy")
        valentina.send("perfecto")
        ana.expect(r"Valentina: perfecto")
        check(server.out.count(r"Cliente Ana Rojas desconectado") == 0, "Ana was logged out")
        valentina.send(":disconnect")
        ana.expect(r"Valentina terminó la conversación")
        ana.send("7")
        check(ana.wait() == 0, "tcs-client did not exit 0")
        valentina.send(":exit")
        valentina.wait()
        proxy.close()


def resume_after_grace_refused():
    with Server(extra_args=["--resume-grace", "2"]) as server:
        proxy = CutProxy(server.port)
        ana, valentina = chat_through_proxy(server, proxy)
        proxy.sever()
        ana.expect(r"Reconectando")
        valentina.expect(r"Ana perdió la conexión")
        # The grace ends as a disconnect does.
        valentina.expect(r"El cliente Ana Rojas se desconectó", timeout=10)
        proxy.restore()
        ana.expect(r"No se pudo recuperar la sesión: el código de reanudación no es válido, ya "
                   r"se usó o pasó el tiempo de espera\.", timeout=40)
        check(ana.wait() == 1, "tcs-client should exit 1 after a refused resume")
        # Nothing is left of the old session: Ana logs in again.
        again = customer(server.port)
        again.send("7")
        check(again.wait() == 0, "a new login after the grace failed")
        valentina.send(":exit")
        valentina.wait()
        proxy.close()


def token_refused_after_use_and_forged():
    with Server(extra_args=["--resume-grace", "30"]) as server:
        first = RawClient(server.port)
        first.hello()
        login = first.login_customer()
        check(login["ok"], "login failed: %r" % login)
        token = login["resume_token"]
        check(len(token) == 32, "token is not 128 bits in hex: %r" % token)
        check(first.request("queue.join")["ok"], "queue.join failed")
        first.close()  # lost, not logged out
        server.out.wait_for(r"Cliente Ana Rojas perdió la conexión")

        forged = RawClient(server.port)
        forged.hello()
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        for attempt in (bad, "", "z" * 32):
            reply = forged.request("resume", token=attempt)
            check(not reply["ok"] and reply["error"]["code"] == "resume_refused",
                  "a forged token was not refused: %r" % reply)
        check(forged.request("queue.join")["error"]["code"] == "not_authenticated",
              "a refused resume logged in")

        second = RawClient(server.port)
        second.hello()
        reply = second.request("resume", token=token)
        check(reply["ok"], "resume failed: %r" % reply)
        check(reply["support"]["state"] == "queue" and reply["support"]["position"] == 1,
              "the place in the queue was not kept: %r" % reply)
        check(reply["resume_token"] != token, "the token was not rotated")

        used = RawClient(server.port)
        used.hello()
        reply = used.request("resume", token=token)
        check(not reply["ok"] and reply["error"]["code"] == "resume_refused",
              "a used token was not refused: %r" % reply)
        check("Inicie sesión nuevamente" in reply["error"]["message"], "unclear error")
        # The resumed session is untouched by the refusals.
        check(second.request("queue.leave")["ok"], "the resumed session does not work")
        check(second.request("logout")["ok"], "logout failed")
        after = RawClient(server.port)
        after.hello()
        reply = after.request("resume", token=reply.get("resume_token", token))
        check(not reply["ok"], "a token after logout was accepted")
        check(server.out.text.find(token) < 0, "the token was logged")
        for c in (forged, used, after):
            c.close()


def typed_line_survives_a_cut():
    from tmux_pane import Pane
    with Server(extra_args=["--resume-grace", "30"]) as server:
        proxy = CutProxy(server.port)
        pane = Pane([CLIENT, "--port", str(proxy.port)])
        try:
            pane.wait_for(r"usuario:")
            pane.type(ANA)
            pane.wait_for(r"contraseña:")
            pane.type(CUSTOMER_PASSWORD)
            pane.wait_for(r"Ingrese un número:")
            pane.type("6")
            pane.wait_for(r"posición 1")
            valentina = executive(server.port)
            valentina.send(":connect")
            pane.wait_for(r"Lo atiende Valentina")
            pane.type("mitad de una lí", enter=False)
            proxy.sever()
            pane.wait_for(r"Reconectando")
            proxy.restore()
            pane.wait_for(r"Conexión recuperada")
            pane.type("nea", enter=True)
            valentina.expect(r"Ana: mitad de una línea")
            valentina.send(":exit")
            valentina.wait()
        finally:
            pane.close()
            proxy.close()


if __name__ == "__main__":
    run(cut_mid_chat_resumes)
    run(resume_after_grace_refused)
    run(token_refused_after_use_and_forged)
    run(typed_line_survives_a_cut)
