"""README.md's "5-minute tour", played against the real programs, so a newcomer who follows it
sees what it shows.

The tour is the part of README.md under the heading "## 5-minute tour". Each of its fenced
blocks follows a marker `<!-- tour: NAME -->` naming the terminal it belongs to (`server`, or a
user's first name in lower case such as `ana`); a block without a marker fails the test.
- A `sh` block holds the commands typed in that terminal. Known commands: `rm -f FILE*`,
  `scripts/run [ARGS]` (the server, as scripts/run starts it: --host 127.0.0.1 --port 5555
  --db var/tcs.db --demo, ARGS replacing those), `build/client/tcs-client ARGS`,
  `build/executive/tcs-exec ARGS` and `oathtool ...` (run for real when the 2FA code is due).
- A `text` block is what that terminal shows, in order (other lines may come between). A line
  `<Name>: text` in <name>'s terminal is typed by that user, and so are the answers after
  `usuario:`, `contraseña:` (the demo password of the role, which the tour must mention) and
  `código 2FA ...:` (the code the tour's oathtool command prints now). A line `...` stands
  for lines not shown. Timestamps and waiting times may differ.
Blocks are played in the order they appear. The port 5555 and the database files named in the
tour are replaced by a free port and a temporary directory.
"""
import shlex

from tcs_e2e import *

README = os.environ.get("TCS_README", os.path.join(ROOT, "README.md"))  # another for tests
TOUR_HEADING = "## 5-minute tour"
MARKER = re.compile(r"^<!--\s*tour:\s*([\w.-]+)\s*-->$")
FENCE = re.compile(r"^```(\w*)\s*$")
# Parts of a shown line that differ from run to run (the server's timestamps, the terminals'
# dates, queue waiting times, chat lines' times): how they are found in the README, and what
# may stand there.
VOLATILE = [
    (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"),
    (r"\d\d/\d\d/\d{4} \d\d:\d\d", r"\d\d/\d\d/\d{4} \d\d:\d\d"),
    (r"(?<=esperando )\d+(?= s)", r"\d+"),
    (r"^\[\d\d:\d\d\](?= )", r"\[\d\d:\d\d\]"),  # the time of a chat line
]
VOLATILE_FINDER = re.compile("|".join("(%s)" % found for found, _ in VOLATILE))


def tour_blocks():
    """[(name, lang, [lines], readme_line)] of the tour section, and the section's text."""
    with open(README, encoding="utf-8") as f:
        lines = f.read().split("\n")
    check(TOUR_HEADING in lines, "README.md has no %r section" % TOUR_HEADING)
    start = lines.index(TOUR_HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    blocks, name, i = [], None, start
    while i < end:
        line = lines[i]
        marker = MARKER.match(line.strip())
        fence = FENCE.match(line)
        if marker:
            name = marker.group(1)
        elif fence:
            check(name is not None,
                  "README.md:%d: a tour block without a <!-- tour: NAME --> marker" % (i + 1))
            j = i + 1
            while j < end and lines[j].rstrip() != "```":
                j += 1
            check(j < end, "README.md:%d: unterminated block" % (i + 1))
            blocks.append((name, fence.group(1), lines[i + 1:j], i + 1))
            name, i = None, j
        elif line.strip():
            name = None  # a marker names the block right after it only
        i += 1
    return blocks, "\n".join(lines[start:end])


def line_pattern(shown):
    """A regex for one shown line, matching a whole output line."""
    parts, pos = [], 0
    for m in VOLATILE_FINDER.finditer(shown):
        parts.append(re.escape(shown[pos:m.start()]))
        parts.append(VOLATILE[m.lastindex - 1][1])
        pos = m.end()
    parts.append(re.escape(shown[pos:]))
    return r"(?m)^" + "".join(parts) + r"[ \t]*$"


class TourTerminal(Terminal):
    """A Terminal started with the tour's exact arguments."""

    def __init__(self, args):
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.out = Output(self.proc.stdout)
        self.mark = 0


class Tour:
    def __init__(self, section):
        self.dir = tempfile.mkdtemp(prefix="tcs-tour-")
        self.port = free_port()
        self.section = section
        self.db_map = {}  # database path in the tour -> temporary path
        self.server = None
        self.terminals = {}  # name -> Terminal
        self.roles = {}  # name -> "customer" | "executive"
        self.oathtool = None  # the tour's oathtool command (argument list)

    # --- sh blocks -------------------------------------------------------------------------

    def substitute(self, word):
        word = word.replace("5555", str(self.port))
        base = word.rstrip("*")
        if base.endswith(".db"):
            if base not in self.db_map:
                self.db_map[base] = os.path.join(self.dir, os.path.basename(base))
            word = self.db_map[base] + word[len(base):]
        return word

    def run_commands(self, name, lines, where):
        for line in lines:
            words = [self.substitute(w) for w in shlex.split(line, comments=True)]
            if not words:
                continue
            program = words[0]
            if program == "rm":
                check(words[1:2] == ["-f"] and all(w.startswith(self.dir) for w in words[2:]),
                      "%s: the tour may only remove its database files: %r" % (where, line))
                for pattern in words[2:]:
                    base = pattern.rstrip("*")
                    for f in os.listdir(self.dir):
                        path = os.path.join(self.dir, f)
                        if path == base or (pattern.endswith("*") and path.startswith(base)):
                            os.remove(path)
            elif program == "scripts/run":
                check(name == "server", "%s: scripts/run outside the server terminal" % where)
                self.start_server(words[1:])
            elif program in ("build/client/tcs-client", "build/executive/tcs-exec"):
                binary = CLIENT if program.startswith("build/client") else EXEC
                self.roles[name] = "customer" if binary == CLIENT else "executive"
                self.terminals[name] = TourTerminal([binary] + words[1:])
            elif program == "oathtool":
                self.oathtool = words
            else:
                fail("%s: the test does not know the tour's command %r" % (where, line))

    def start_server(self, extra):
        # What scripts/run passes, each replaced by the tour's own value for it.
        options = {"--host": "127.0.0.1", "--port": str(self.port),
                   "--db": self.substitute("var/tcs.db"),
                   "--web-port": "0"}  # not 8080: another test or program may hold it
        demo, rest, i = True, [], 0
        while i < len(extra):
            if extra[i] in options and i + 1 < len(extra):
                options[extra[i]] = extra[i + 1]
                i += 2
                continue
            if extra[i] == "--demo":
                demo = True
            else:
                rest.append(extra[i])
            i += 1
        args = [SERVER] + [x for kv in options.items() for x in kv] + (["--demo"] if demo else [])
        self.server = subprocess.Popen(args + rest, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT)
        self.server_out = Output(self.server.stdout)
        self.server_mark = 0
        self.server_out.wait_for(r"Escuchando en", timeout=60)

    # --- text blocks -----------------------------------------------------------------------

    def input_of(self, name, shown, where):
        """The text the user types on this shown line, or None if the line is output."""
        role = self.roles.get(name)
        if role is None:
            return None
        if shown.startswith("usuario: "):
            return shown[len("usuario: "):]
        if shown.startswith("contraseña: "):
            password = CUSTOMER_PASSWORD if role == "customer" else EXEC_PASSWORD
            check(password in self.section,
                  "%s: the tour does not say the password %s" % (where, password))
            return password
        if shown.startswith("código 2FA"):
            check(self.oathtool is not None, "%s: a 2FA code without oathtool" % where)
            return subprocess.check_output(self.oathtool, text=True).strip()
        prompt = name.capitalize() + ": "
        if shown.startswith(prompt):
            return shown[len(prompt):]
        return None

    def play_transcript(self, name, lines, where):
        if name == "server":
            check(self.server is not None, "%s: the server is not started yet" % where)
            for shown in lines:
                if shown.strip() and shown.strip() != "...":
                    shown = self.substitute_text(shown)
                    self.server_mark = self.server_out.wait_for(line_pattern(shown),
                                                                self.server_mark)
            return
        t = self.terminals.get(name)
        check(t is not None, "%s: no terminal %r was started" % (where, name))
        for shown in lines:
            if not shown.strip() or shown.strip() == "...":
                continue
            shown = self.substitute_text(shown)
            typed = self.input_of(name, shown, where)
            if typed is None:
                t.expect(line_pattern(shown))
                continue
            t.send(typed)
            if shown.startswith("código 2FA"):
                t.expect(r"(?m)^código 2FA[^\n]*: \d{6}$")
            else:
                t.expect(line_pattern(shown))

    def substitute_text(self, shown):
        shown = shown.replace("5555", str(self.port))
        for tour_path, real in self.db_map.items():
            shown = shown.replace(tour_path, real)
        return shown

    def close(self):
        for t in self.terminals.values():
            if t.proc.poll() is None:
                t.kill()
        if self.server and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=15)
        shutil.rmtree(self.dir, ignore_errors=True)


def readme_tour():
    blocks, section = tour_blocks()
    check(any(lang == "sh" for _, lang, _, _ in blocks), "the tour has no sh block")
    check(any(lang == "text" for _, lang, _, _ in blocks), "the tour has no transcript")
    tour = Tour(section)
    try:
        for name, lang, lines, line_no in blocks:
            where = "README.md:%d" % line_no
            try:
                if lang == "sh":
                    tour.run_commands(name, lines, where)
                elif lang == "text":
                    tour.play_transcript(name, lines, where)
                else:
                    fail("%s: a tour block must be sh or text, not %r" % (where, lang))
            except AssertionError as e:
                raise AssertionError("%s (block of %r): %s" % (where, name, e))
        # Every terminal the tour opened ends cleanly.
        for name, t in tour.terminals.items():
            check(t.wait() == 0, "%s's terminal exit code: %r" % (name, t.proc.returncode))
    finally:
        tour.close()


run(readme_tour)
