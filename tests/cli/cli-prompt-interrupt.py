#!/usr/bin/env python3
# cli-prompt-interrupt.py CLI ARGS...
#
# Runs CLI ARGS on a new pseudo-terminal, waits for its password prompt,
# types Ctrl-C there and reports, one "key=value" a line: whether echo was off
# at the prompt (echo_at_prompt), how the program ended (signal or exit), and
# whether echo is on again on the terminal afterwards (echo_after). A program
# killed by SIGINT while echo is off leaves the terminal so, for the shell
# and whatever the user types next. Standard library only (plain python3).
import os
import pty
import select
import signal
import sys
import termios
import time


def read_until(fd, marker, seconds):
    data = b""
    end = time.monotonic() + seconds
    while marker not in data and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def echo_on(fd):
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


def main():
    argv = sys.argv[1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    seen = read_until(fd, b"Password: ", 20)
    print("prompt=%s" % ("yes" if b"Password: " in seen else "no"))
    # The prompt is written before echo goes off: give it a moment.
    time.sleep(0.3)
    print("echo_at_prompt=%s" % ("on" if echo_on(fd) else "off"))
    os.write(fd, b"\x03")
    end = time.monotonic() + 20
    status = None
    while time.monotonic() < end:
        read_until(fd, b"\0", 0.1)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    if status is None or not done:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print("ended=no")
    elif os.WIFSIGNALED(status):
        print("ended=signal %d" % os.WTERMSIG(status))
    else:
        print("ended=exit %d" % os.WEXITSTATUS(status))
    print("echo_after=%s" % ("on" if echo_on(fd) else "off"))


if __name__ == "__main__":
    main()
