"""A real terminal for the tests that need one (resize, Ctrl-C, Tab, colours): a program run in
a pane of a private tmux server, typed into with `tmux send-keys` and read with
`tmux capture-pane`. Waits poll the pane until the expected text shows, with a generous
deadline, so nothing depends on how fast the machine is."""
import os
import re
import shlex
import subprocess
import time
import uuid

TMUX_TIMEOUT = float(os.environ.get("TCS_TMUX_TIMEOUT", "30"))


class Pane:
    """One tmux session (its own server socket) running `args` in a `width`x`height` window.
    The command's exit status is printed as EXIT=<n> when it ends; the pane stays open (the
    shell ignores the Ctrl-C the tests send to the program)."""

    def __init__(self, args, width=80, height=24, env=None):
        self.socket = "tcs-test-" + uuid.uuid4().hex[:12]
        command = " ".join(shlex.quote(a) for a in args)
        exports = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in (env or {}).items())
        shell = "trap : INT; %s %s; echo EXIT=$?; sleep 600" % (("env " + exports) if exports else "", command)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y",
                  str(height), "sh", "-c", shell)
        self.tmux("set-option", "-t", "t", "window-size", "manual")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket] + list(args), check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True).stdout

    def keys(self, *keys):
        """tmux key names: "Enter", "C-c", "Tab", ..."""
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text, enter=True):
        self.tmux("send-keys", "-t", "t", "-l", text)
        if enter:
            self.keys("Enter")

    def screen(self, colours=False, joined=False):
        """What the pane shows now (with escape sequences for colours when asked; with lines
        the width wrapped joined again when asked)."""
        args = ["capture-pane", "-p", "-t", "t"] + (["-e"] if colours else [])
        return self.tmux(*(args + (["-J"] if joined else [])))

    def wait_for(self, pattern, timeout=TMUX_TIMEOUT, colours=False, joined=False):
        """Polls the pane until `pattern` (regex) is on it; returns the screen."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen(colours, joined)
            if regex.search(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for %r on the pane; it shows:\n%s"
                                     % (pattern, shown))
            time.sleep(0.1)

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            try:
                print("--- pane ---\n" + self.screen(), flush=True)
            except subprocess.CalledProcessError:
                pass
        self.close()
