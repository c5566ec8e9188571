#!/usr/bin/python3
"""The seed flow of Clusterdeck with the keyboard only, over AT-SPI.

usage: atspi_keyboard.py PID PHASE FIRST_TEST_NUMBER

Run by run-atspi-audit.sh in place of atspi_audit.py (the same two phases,
the same nodes). Every step is a key event synthesized through AT-SPI's
device event controller (XTest on Xvfb): Tab, arrows, Return, space,
Escape and the app's shortcuts; text is typed as key strokes. Nothing is
pressed through an AT-SPI action and no field is filled through
EditableText. After each key the focused element is looked up: there must
be one (the focus is not lost), and it must be visible along with every
element it is in (not a widget of a hidden page or a closed dialog).

  first-run  Shift+Ctrl+N adds the organization "Demo" (typed, Return);
             Ctrl+N opens Add Instance and Escape closes it; Ctrl+comma
             opens Preferences and Escape closes it.
  cluster    node1 is chosen in the instances list with Tab and the
             arrows; its Replication tab and its Tables with Tab and
             space; the switch "Publish data.dog to node2" is turned off
             with space; the "Change to Per-Table Replication?" question is
             answered with Tab and space; Review & Apply (Return), Apply
             (space), Escape closes the dialog; the toast's Undo (Alt+U).

Prints TAP numbered from FIRST_TEST_NUMBER, no plan, and the comment
"# atspi_audit.py done" (the name run-atspi-audit.sh waits for) at its end.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atspi_audit import app_by_pid, visible  # noqa: E402
from atspi_grid import (Atspi, GLib, Tap, dump, find, gone, name_of,  # noqa: E402
                        nodes, role_of, states, wait_for)

KEYSYMS = {"Control_L": 0xffe3, "Shift_L": 0xffe1, "Alt_L": 0xffe9, "Escape": 0xff1b, "Tab": 0xff09,
           "ISO_Left_Tab": 0xfe20, "Return": 0xff0d, "space": 0x20, "comma": 0x2c,
           "Down": 0xff54, "Up": 0xff52, "Left": 0xff51, "Right": 0xff53, "Home": 0xff50}

WINDOW_ROLES = ("frame", "dialog", "alert", "window")


class Keyboard:
    """Key presses, and after each one a look at the focus."""

    def __init__(self, tap, app):
        self.tap = tap
        self.app = app
        self.presses = 0
        self.lost = []      # keys after which nothing had the focus
        self.hidden = []    # keys after which a hidden element had it

    def active_window(self):
        for i in range(self.app.get_child_count()):
            try:
                w = self.app.get_child_at_index(i)
            except GLib.Error:
                continue
            if w is not None and "active" in states(w):
                return w
        return None

    def focused(self):
        """The focused element of the active window, and whether it and
        every element it is in are visible; (None, False) when none is."""
        win = self.active_window()
        if win is None:
            return None, False
        for n in nodes(win):
            if "focused" in states(n):
                chain_visible = True
                p = n
                while p is not None and role_of(p) not in WINDOW_ROLES:
                    if not visible(p):
                        chain_visible = False
                        break
                    try:
                        p = p.get_parent()
                    except GLib.Error:
                        break
                return n, chain_visible
        return None, False

    def press(self, *combo, settle=0.3):
        codes = [KEYSYMS[s] if s in KEYSYMS else ord(s) for s in combo]
        for c in codes[:-1]:
            Atspi.generate_keyboard_event(c, None, Atspi.KeySynthType.SYM | Atspi.KeySynthType.PRESS)
        Atspi.generate_keyboard_event(codes[-1], None, Atspi.KeySynthType.SYM)
        for c in reversed(codes[:-1]):
            Atspi.generate_keyboard_event(c, None, Atspi.KeySynthType.SYM | Atspi.KeySynthType.RELEASE)
        self.presses += 1
        time.sleep(settle)
        return self.check("+".join(combo))

    def check(self, key):
        # A window being built or torn down may have no focus for a moment.
        found = wait_for(lambda: (lambda f: f if f[0] is not None else None)(self.focused()), 3)
        node, ok = found if found is not None else (None, False)
        if node is None:
            self.lost.append(key)
            self.tap.note(f"after {key}: nothing has the focus")
        elif not ok:
            self.hidden.append(f"{key}: [{role_of(node)}] {name_of(node)!r}")
            self.tap.note(f"after {key}: the focus is on a hidden element "
                          f"[{role_of(node)}] {name_of(node)!r}")
        return node

    def type(self, text):
        for ch in text:
            Atspi.generate_keyboard_event(ord(ch), None, Atspi.KeySynthType.SYM)
            time.sleep(0.05)
        self.presses += 1
        time.sleep(0.3)

    def tab_to(self, pred, what, limit=60, key="Tab"):
        """Tab (or key) until pred(focused) holds; the focused node, or None."""
        for _ in range(limit):
            node = self.press(key, settle=0.15)
            if node is not None and pred(node):
                self.tap.note(f"focus on {what}: [{role_of(node)}] {name_of(node)!r}")
                return node
        self.tap.note(f"{key} never reached {what}")
        return None

    def report(self, phase):
        self.tap.ok(not self.lost and not self.hidden,
                    f"{phase}: after each of {self.presses} key presses the focus is on a "
                    "visible element", "\n".join([f"lost after {k}" for k in self.lost] +
                                                 [f"hidden after {k}" for k in self.hidden]))


def window_named(app, title, timeout=30):
    return wait_for(lambda: find(app, title, WINDOW_ROLES), timeout)


def named(text):
    return lambda n: name_of(n) == text


def escape_closes(tap, kb, win, title):
    kb.press("Escape")
    closed = wait_for(lambda: gone(win), 10)
    time.sleep(0.5)
    tap.ok(closed is not None, f"Escape closes {title}")


def first_run(tap, kb, app, window):
    kb.check("start")
    kb.press("Shift_L", "Control_L", "n")
    dialog = window_named(app, "Add Organization")
    if not tap.ok(dialog is not None, "Shift+Ctrl+N opens Add Organization"):
        return
    kb.type("Demo")
    kb.press("Return")
    added = wait_for(lambda: gone(dialog), 10)
    time.sleep(0.5)
    tap.ok(added is not None and wait_for(lambda: find(window, "Demo", ("label", "list item")), 10)
           is not None, 'typing "Demo" and Return add the organization "Demo"')

    kb.press("Control_L", "n")
    dialog = window_named(app, "Add Instance")
    if tap.ok(dialog is not None, "Ctrl+N opens Add Instance"):
        escape_closes(tap, kb, dialog, "Add Instance")

    kb.press("Control_L", "comma")
    prefs = window_named(app, "Preferences")
    if tap.ok(prefs is not None, "Ctrl+comma opens Preferences"):
        escape_closes(tap, kb, prefs, "Preferences")
    kb.report("first run")


def cluster(tap, kb, app, window):
    wait_for(lambda: find(window, "node3", ("label",)), 15)
    time.sleep(2)
    kb.check("start")
    row = kb.tab_to(lambda n: role_of(n) == "list item" and name_of(n).startswith("node"),
                    "an instance row")
    if not tap.ok(row is not None, "Tab reaches the instances list"):
        dump(tap, window, "the window", limit=300)
        return
    for _ in range(8):
        if name_of(row).startswith("node1"):
            break
        row = kb.press("Up") or row
    if not name_of(row).startswith("node1"):
        for _ in range(8):
            row = kb.press("Down") or row
            if name_of(row).startswith("node1"):
                break
    kb.press("Return")
    tap.ok(name_of(row).startswith("node1") and
           wait_for(lambda: True if "selected" in states(row) else None, 5) is not None,
           "the arrows and Return select node1", f"focused row {name_of(row)!r}")

    repl = kb.tab_to(lambda n: name_of(n) == "Replication" and role_of(n) in
                     ("page tab", "toggle button", "radio button", "push button"), "Replication")
    if not tap.ok(repl is not None, 'Tab reaches the "Replication" view switcher button'):
        return
    kb.press("space")
    tables = kb.tab_to(lambda n: name_of(n) == "Tables" and role_of(n) in
                       ("page tab", "toggle button", "radio button", "push button"), "Tables", 80)
    if not tap.ok(tables is not None, 'Tab reaches the "Tables" switcher button'):
        return
    kb.press("space")
    time.sleep(2)
    switch = kb.tab_to(named("Publish data.dog to node2"), "the grid switch", 80)
    if not tap.ok(switch is not None and "checked" in states(switch),
                  'Tab reaches the switch "Publish data.dog to node2", on'):
        return
    kb.press("space")
    question = window_named(app, "Change to Per-Table Replication?")
    if not tap.ok(question is not None, "space on the switch asks to change to per-table replication"):
        return
    change = kb.tab_to(named("Change"), "Change", 10)
    if change is not None:
        kb.press("space")
    tap.ok(change is not None and wait_for(lambda: gone(question), 10) is not None,
           'Tab and space answer "Change"')
    time.sleep(0.5)
    tap.ok(wait_for(lambda: find(window, "1 pending change", ("label",)), 10) is not None,
           'the grid says "1 pending change"')

    review = kb.tab_to(named("Review & Apply…"), "Review & Apply…", 80)
    if review is None:
        review = kb.tab_to(named("Review & Apply…"), "Review & Apply…", 80, key="ISO_Left_Tab")
    if not tap.ok(review is not None, 'Tab reaches "Review & Apply…"'):
        return
    kb.press("Return")
    dialog = window_named(app, "Review Changes")
    if not tap.ok(dialog is not None, "Return opens Review Changes"):
        return
    wait_for(lambda: next((n for n in nodes(dialog) if "node2" in name_of(n)), None), 60)
    # Leaving full replication adds the nodes again: the cluster password.
    field = kb.tab_to(lambda n: name_of(n) == "Cluster Password" and
                      role_of(n) in ("password text", "text", "entry"), "Cluster Password", 30)
    if not tap.ok(field is not None, 'Tab reaches Review\'s "Cluster Password" field'):
        return
    kb.type(os.environ.get("AUDIT_CLUSTER_PASSWORD", ""))
    apply_button = kb.tab_to(named("Apply"), "Apply", 30)
    if not tap.ok(apply_button is not None, 'Tab reaches "Apply"'):
        return
    kb.press("space")
    done = wait_for(lambda: next((n for n in nodes(dialog) if role_of(n) == "list item"
                                  and name_of(n).endswith(", Done")), None), 90)
    close = wait_for(lambda: next((b for b in nodes(dialog) if role_of(b) == "push button"
                                   and name_of(b) == "Close"), None), 30)
    tap.ok(done is not None and close is not None, "Apply is done; the dialog offers Close")
    if close is None:
        return
    escape_closes(tap, kb, dialog, "Review Changes after Apply")
    # The toast's button has a mnemonic ("_Undo"): Alt+U, at once (the
    # toast goes after 10 s; reaching it with Tab takes the whole window).
    kb.press("Alt_L", "u")
    switch_back = wait_for(lambda: next((n for n in nodes(window)
                                         if name_of(n) == "Publish data.dog to node2"
                                         and "checked" in states(n)), None), 90)
    tap.ok(switch_back is not None, 'Alt+U (the toast\'s "Undo") turns "Publish data.dog to '
           'node2" back on')
    kb.report("cluster")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    pid = int(sys.argv[1])
    phase = sys.argv[2]
    tap = Tap(int(sys.argv[3]))
    t0 = time.monotonic()
    Atspi.init()
    app = wait_for(lambda: app_by_pid(pid), 20)
    if not tap.ok(app is not None, f"the app (pid {pid}) is on the accessibility bus"):
        tap.bail("the application never appeared on the AT-SPI bus")
    window = wait_for(lambda: find(app, "Clusterdeck", ("frame",)), 10)
    if window is None:
        tap.bail("no main window")
    kb = Keyboard(tap, app)
    if phase == "first-run":
        first_run(tap, kb, app, window)
    elif phase == "cluster":
        cluster(tap, kb, app, window)
    else:
        tap.bail(f"unknown phase {phase!r}")
    tap.note(f"atspi_audit.py done in {time.monotonic() - t0:.1f} s")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
