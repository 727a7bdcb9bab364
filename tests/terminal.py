#!/usr/bin/python3
"""terminal.py [-i FILE] [-e FILE] CMD [ARG...]: run CMD on a terminal, as
someone typing.

Standard input, output and error are a new pseudo-terminal (with -i FILE,
standard input is FILE instead; with -e FILE, standard error goes to
FILE).  What the terminal shows is copied
to standard output, line ends as \\n; once CMD has written a whole line
or $PTY_WAIT seconds have passed (default 10; 0 where nothing is to be
waited for), the lines of $PTY_INPUT are typed, then ^D.
Exits with CMD's status (128 + N when killed by signal N).
"""
import os
import pty
import select
import sys
import time

args = sys.argv[1:]
infile = errfile = None
while args[:1] in (["-i"], ["-e"]) and len(args) > 1:
    if args[0] == "-i":
        infile = args[1]
    else:
        errfile = args[1]
    args = args[2:]
if not args:
    sys.exit("usage: terminal.py [-i FILE] [-e FILE] CMD [ARG...]")

pid, fd = pty.fork()
if pid == 0:
    try:
        if infile is not None:
            i = os.open(infile, os.O_RDONLY)
            os.dup2(i, 0)
            os.close(i)
        if errfile is not None:
            e = os.open(errfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(e, 2)
            os.close(e)
        os.execvp(args[0], args)
    except OSError as ex:
        os.write(2, ("terminal.py: %s: %s\n" % (args[0], ex)).encode())
    os._exit(127)

wait = float(os.environ.get("PTY_WAIT", "10"))
out = b""
typed = False
start = time.monotonic()
status = None
while True:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:        # EIO: the child has closed the terminal
            data = b""
        if not data:
            break
        out += data
    if not typed and (out.endswith(b"\n") or
                      time.monotonic() - start >= wait):
        for line in os.environ.get("PTY_INPUT", "").splitlines():
            os.write(fd, line.encode() + b"\n")
        os.write(fd, b"\x04")
        typed = True
    if time.monotonic() - start > wait + 30:
        os.kill(pid, 9)
        break
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
