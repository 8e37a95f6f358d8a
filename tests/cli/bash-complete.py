#!/usr/bin/env python3
"""bash-complete.py COMPLETION[:NAME,...] KEYS...: type KEYS into a real interactive bash.

bash runs on a pseudo-terminal, with bash-completion loaded and COMPLETION
found by bash-completion's own loader under the name "mymod" (or each
NAME), as an installed completion is. For each KEYS (a line to type, with its TABs), in
a fresh line of the same shell, prints one line: what the command line
holds after the keys, a TAB, and the candidates readline listed (after
TAB TAB), sorted, separated by spaces.

mymod must be found through PATH. Exits 1 if bash does not answer in time.
"""
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time

BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
PROMPT = "@P{}@ "  # numbered, so a redisplay is never taken for the next prompt
LINE_START, LINE_END = "@L@", "@E@"
DUMP_KEY = "\x18\x10"  # C-x C-p: prints the line buffer between markers
TIMEOUT = 10.0  # seconds for start-up and for each case

RC = f"""
source {BASH_COMPLETION}
n=0
PROMPT_COMMAND='((n++))'
PS1='@P${{n}}@ '
PS2=
bind 'set bell-style none'
bind 'set completion-query-items -1'
bind 'set page-completions off'
bind 'set completion-display-width 0'
bind 'set enable-bracketed-paste off'
bind 'set horizontal-scroll-mode off'
bind 'set colored-stats off'
bind 'set colored-completion-prefix off'
bind -x '"\\C-x\\C-p": printf "\\n{LINE_START}%s{LINE_END}\\n" "$READLINE_LINE"'
"""

ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][A-Za-z0-9]|[=>])|[\x07\x08]|\r")


def read_until(fd, marker, buf):
    """Read from fd until marker appears in buf; return buf. Exit on timeout."""
    deadline = time.monotonic() + TIMEOUT
    while marker not in ANSI.sub("", buf):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            sys.stderr.write(f"bash-complete: no {marker!r} from bash in {TIMEOUT}s; got:\n{buf}\n")
            sys.exit(1)
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            sys.stderr.write(f"bash-complete: bash exited; got:\n{buf}\n")
            sys.exit(1)
        buf += data.decode("utf-8", "replace")
    return buf


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    completion, _, names = sys.argv[1].partition(":")
    completion, cases = os.path.abspath(completion), sys.argv[2:]
    tmp = tempfile.mkdtemp(prefix="bash-complete.")
    try:
        os.makedirs(f"{tmp}/completions")
        for name in (names or "mymod").split(","):
            os.symlink(completion, f"{tmp}/completions/{name}")
        with open(f"{tmp}/rc", "w") as f:
            f.write(RC)
        env = dict(os.environ, TERM="dumb", INPUTRC="/dev/null", HISTFILE="/dev/null",
                   BASH_COMPLETION_USER_DIR=tmp, BASH_COMPLETION_USER_FILE="/dev/null",
                   XDG_DATA_DIRS=tmp)
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
            os.execvpe("bash", ["bash", "--noprofile", "--rcfile", f"{tmp}/rc", "-i"], env)
        try:
            read_until(fd, PROMPT.format(1), "")
            for n, keys in enumerate(cases, 2):
                os.write(fd, (keys + DUMP_KEY).encode())
                out = read_until(fd, LINE_END, "")
                screen = ANSI.sub("", out)
                line = screen[screen.index(LINE_START) + len(LINE_START):screen.index(LINE_END)]
                # What readline printed between the typed line and the dump:
                # the listed candidates, then the prompt and line again.
                listed = []
                for row in screen[:screen.index(LINE_START)].split("\n")[1:]:
                    if row.startswith(PROMPT.format(n - 1)):
                        break
                    if row.strip():
                        listed.append(row.strip())
                print(line + "\t" + " ".join(sorted(listed)), flush=True)
                # Clear the line for the next case and wait for its prompt.
                os.write(fd, b"\x15\n")
                read_until(fd, PROMPT.format(n), "")
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
