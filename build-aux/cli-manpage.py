#!/usr/bin/env python3
# build-aux/cli-manpage.py CLI OUTPUT
#
# Writes the clusterdeck-cli(1) man page from the program's own help, so that
# the two never disagree: `CLI --help` gives the name, synopsis, global options,
# the list of commands and the notes (each "Heading:" line of its description
# starts a section: NAMES, PASSWORDS, OUTPUT, FILES, EXIT STATUS), and
# `CLI COMMAND --help` gives each command's usage, summary and options.
#
# The help is read in English (LC_ALL=C.UTF-8, LANGUAGE unset), with fresh
# XDG and HOME directories: help never reads the user's files, and the build
# must not either. The page is plain ASCII troff (typographic quotes and
# arrows as groff escapes), without a date, so that a rebuild gives the same
# bytes. Standard library only: meson needs Python anyway.
import os
import re
import subprocess
import sys
import tempfile

SPECIAL = {
    "\u201c": r"\(lq", "\u201d": r"\(rq", "\u2018": r"\(oq", "\u2019": r"\(cq",
    "\u2026": r"\&...", "\u2192": r"\(->", "\u2014": r"\(em", "\u2013": r"\(en",
}


def run(cli, args, home):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C.UTF-8",
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        # A sanitizer build runs it too; its leak report is not the page's business.
        "ASAN_OPTIONS": "detect_leaks=0",
    }
    out = subprocess.run([cli] + args, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    if out.returncode != 0:
        sys.exit("cli-manpage: %s %s exited %d: %s" % (
            cli, " ".join(args), out.returncode, out.stderr.decode(errors="replace")))
    return out.stdout.decode()


def text(s):
    """Running text: troff escapes for backslash, dashes and non-ASCII."""
    out = []
    for ch in s.replace("\\", r"\e"):
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
        elif ord(ch) > 127:
            out.append(r"\[u%04X]" % ord(ch))
        elif ch == "-":
            out.append(r"\-")
        else:
            out.append(ch)
    line = "".join(out)
    # A line starting with a dot or an apostrophe would be a request.
    if line.startswith((".", "'")):
        line = r"\&" + line
    return line


def sections(help_text):
    """Splits GOption's help into (heading, lines) pairs; the first is the usage."""
    result = []
    heading, lines = None, []
    for line in help_text.splitlines():
        m = re.match(r"^(\S[^:]*):$", line)
        if m:
            if heading is not None or lines:
                result.append((heading, lines))
            heading, lines = m.group(1), []
        else:
            lines.append(line)
    result.append((heading, lines))
    return result


def paragraphs(lines):
    """Blank-line separated paragraphs, each a list of stripped lines."""
    paras, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return paras


def options(lines):
    """GOption's option lines: (names, description)."""
    found = []
    for line in lines:
        m = re.match(r"^\s+(-\S.*?)\s{2,}(\S.*)$", line)
        if m:
            found.append((m.group(1), m.group(2)))
        elif line.strip() and found:
            found[-1] = (found[-1][0], found[-1][1] + " " + line.strip())
    return found


def option_tp(names, description):
    out = [".TP"]
    parts = []
    for name in names.split(", "):
        if "=" in name:
            flag, arg = name.split("=", 1)
            parts.append(r"\fB%s\fR=\fI%s\fR" % (text(flag), text(arg)))
        else:
            parts.append(r"\fB%s\fR" % text(name))
    out.append(", ".join(parts))
    out.append(text(description))
    return out


def command_list(lines):
    """The "Commands:" section: (command words, usage, summary)."""
    commands = []
    pending = None
    for line in lines:
        if not line.startswith("  "):
            break
        m = re.match(r"^  (\S.*?)\s{2,}(\S.*)$", line)
        if pending is not None and line.startswith("   "):
            commands.append((pending, line.strip()))
            pending = None
        elif m:
            commands.append((m.group(1), m.group(2)))
        else:
            pending = line.strip()
    result = []
    for usage, summary in commands:
        words = []
        for word in usage.split():
            if not re.match(r"^[a-z][a-z-]*$", word):
                break
            words.append(word)
        result.append((words, usage, summary))
    return result


def usage_and_summary(lines):
    """The "Usage:" section: its usage lines, and the summary after them."""
    paras = paragraphs(lines)
    usage = [l.strip() for l in paras[0]] if paras else []
    summary = " ".join(l.strip() for l in paras[1]) if len(paras) > 1 else ""
    return usage, summary


def main():
    cli, output = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="cli-manpage-") as home:
        version = run(cli, ["--version"], home).split()[-1]
        top = sections(run(cli, ["--help"], home))
        commands = []
        for heading, lines in top:
            if heading == "Commands":
                for words, usage, summary in command_list(lines):
                    commands.append((words, usage, summary,
                                     sections(run(cli, words + ["--help"], home))))

    page = [
        '.\\" Generated by build-aux/cli-manpage.py from "clusterdeck-cli --help"; do not edit.',
        '.TH CLUSTERDECK-CLI 1 "" "Clusterdeck %s" "User Commands"' % text(version),
        # Command lines and names read badly hyphenated or stretched.
        ".nh",
        ".ad l",
    ]
    usage, summary_text = usage_and_summary(dict(top).get("Usage", []))
    page += [".SH NAME", r"clusterdeck\-cli \- " +
             text(summary_text[:1].lower() + summary_text[1:].rstrip("."))]
    page += [".SH SYNOPSIS"]
    for u in usage:
        page += [".B clusterdeck\\-cli", text(u.split(" ", 1)[1] if " " in u else ""), ".br"]
    page += [".SH DESCRIPTION", text(summary_text),
             ".PP", "Each command answers " + r"\fB\-\-help\fR" + "."]

    page += [".SH OPTIONS"]
    for heading, lines in top:
        if heading in ("Help Options", "Application Options"):
            for names, description in options(lines):
                page += option_tp(names, description)

    page += [".SH COMMANDS"]
    for words, usage_line, summary_line, helps in commands:
        page += [".SS \"%s\"" % text(" ".join(words)).replace('"', r'\(dq')]
        cmd_usage, cmd_summary = usage_and_summary(dict(helps).get("Usage", []))
        for u in cmd_usage:
            page += [".B " + text(u)]
        page += [".PP", text(cmd_summary or summary_line)]
        opts = []
        for heading, lines in helps:
            if heading == "Application Options":
                opts = options(lines)
        opts = [o for o in opts if not o[0].startswith("--json")]
        for names, description in opts:
            page += option_tp(names, description)

    for heading, lines in top:
        if heading in (None, "Usage", "Help Options", "Application Options", "Commands"):
            continue
        page += [".SH " + text(heading.upper())]
        for para in paragraphs(lines):
            page += [".PP"]
            # Lines indented deeper than the paragraph (examples) keep their layout.
            indent = min(len(l) - len(l.lstrip()) for l in para)
            chunk = []
            for l in para + [None]:
                deeper = l is not None and len(l) - len(l.lstrip()) > indent
                if chunk and (l is None or deeper != chunk[0][0]):
                    if chunk[0][0]:
                        page += [".nf", ".RS"] + [text(x[1][indent:]) for x in chunk] + [".RE", ".fi"]
                    else:
                        page += [text(" ".join(x[1].strip() for x in chunk))]
                    chunk = []
                if l is not None:
                    chunk.append((deeper, l))

    page += [".SH SEE ALSO", r"\fBclusterdeck\fR, the window on the same store and keyring."]

    with open(output, "w", encoding="ascii") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
