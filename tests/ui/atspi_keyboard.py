#!/usr/bin/python3
"""The seed flow of Clusterdeck with the keyboard only, over AT-SPI.

usage: atspi_keyboard.py PID PHASE FIRST_TEST_NUMBER

Run by run-atspi-audit.sh in place of atspi_audit.py (the same two phases,
the same nodes). Every step is a key event synthesized through AT-SPI's
device event controller (XTest on Xvfb): Tab, arrows, Return, space,
Escape and the app's shortcuts; text is typed as key strokes. Nothing is
pressed through an AT-SPI action and no field is filled through
EditableText. After each key the focused element is looked up: it must
be visible along with every element it is in (not a widget of a hidden
page or a closed dialog). Keys after which no element says it has the
focus are counted and listed (GTK 4.8 does not report the focus of an
entry's inner text widget), not failed.

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

MODIFIERS = {"Shift_L": 1 << 0, "Control_L": 1 << 2, "Alt_L": 1 << 3}
KEYSYMS = {"Escape": 0xff1b, "Tab": 0xff09,
           "ISO_Left_Tab": 0xfe20, "Return": 0xff0d, "space": 0x20, "comma": 0x2c,
           "Down": 0xff54, "Up": 0xff52, "Left": 0xff51, "Right": 0xff53, "Home": 0xff50}

WINDOW_ROLES = ("frame", "dialog", "alert", "window")


def pointer_into_window():
    """Xvfb runs without a window manager: the keyboard focus is the X
    window under the pointer (PointerRoot), and every window is mapped at
    the screen's top left corner, the newest on top. The pointer is kept
    there, so that the keys go to the window in front, as they would to
    the active window on a desktop. It only moves; nothing is clicked."""
    Atspi.generate_mouse_event(40, 60, "abs")


class Keyboard:
    """Key presses, and after each one a look at the focus."""

    def __init__(self, tap, app):
        self.tap = tap
        self.app = app
        self.presses = 0
        self.lost = []      # keys after which nothing had the focus
        self.hidden = []    # keys after which a hidden element had it

    def windows(self):
        """The app's windows, the active one first."""
        wins = []
        for i in range(self.app.get_child_count()):
            try:
                w = self.app.get_child_at_index(i)
            except GLib.Error:
                continue
            if w is not None and visible(w):
                wins.append(w)
        return sorted(wins, key=lambda w: "active" not in states(w))

    def focused(self):
        """The focused element (the active window's, else any window's),
        and whether it and every element it is in are visible; (None,
        False) when none is."""
        for n in (n for w in self.windows() for n in nodes(w)):
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
        pointer_into_window()
        # The modifiers are locked (XkbLockModifiers), not pressed as keys:
        # a modifier key synthesized by keysym does not reach GTK under Xvfb.
        mask = sum(MODIFIERS[m] for m in combo[:-1])
        key = combo[-1]
        if mask:
            Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.LOCKMODIFIERS)
        Atspi.generate_keyboard_event(KEYSYMS[key] if key in KEYSYMS else ord(key), None,
                                      Atspi.KeySynthType.SYM)
        if mask:
            Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.UNLOCKMODIFIERS)
        self.presses += 1
        time.sleep(settle)
        return self.check("+".join(combo))

    def check(self, key):
        # A window being built or torn down may have no focus for a moment.
        found = wait_for(lambda: (lambda f: f if f[0] is not None else None)(self.focused()), 1.5)
        node, ok = found if found is not None else (None, False)
        if node is None:
            # GTK 4.8 does not always say which element has the focus (an
            # entry's inner text widget has no node of its own): counted
            # and reported, not failed.
            self.lost.append(key)
            self.tap.note(f"after {key}: no element says it has the focus")
        elif not ok:
            self.hidden.append(f"{key}: [{role_of(node)}] {name_of(node)!r}")
            self.tap.note(f"after {key}: the focus is on a hidden element "
                          f"[{role_of(node)}] {name_of(node)!r}")
        return node

    def type(self, text):
        pointer_into_window()
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
        self.tap.note(f"{phase}: {self.presses} key presses; no focused element reported "
                      f"after {len(self.lost)} of them: {self.lost}")
        self.tap.ok(not self.hidden,
                    f"{phase}: after none of {self.presses} key presses is the focus on a "
                    "hidden element", "\n".join(f"hidden after {k}" for k in self.hidden))


TODO_GRID = ("the keyboard walk past the Replication tab is not solid yet: after it, GTK 4.8 "
             "reports no focused element for many Tab presses (issue 15, left open)")


def later(tap, cond, desc, diag=None):
    """A step of the walk past the Replication tab: a failure is a TAP TODO
    (a known gap, listed by run-tests.sh as incomplete), a pass a pass."""
    return tap.ok(cond, desc if cond else f"{desc} # TODO {TODO_GRID}", diag)


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
                       ("page tab", "toggle button", "radio button", "push button"), "Tables", 40)
    if not later(tap, tables is not None, 'Tab reaches the "Tables" switcher button'):
        return
    kb.press("space")
    time.sleep(2)
    switch = kb.tab_to(named("Publish data.dog to node2"), "the grid switch", 80)
    if not later(tap, switch is not None and "checked" in states(switch),
                  'Tab reaches the switch "Publish data.dog to node2", on'):
        return
    kb.press("space")
    question = window_named(app, "Change to Per-Table Replication?")
    if not later(tap, question is not None, "space on the switch asks to change to per-table replication"):
        return
    change = kb.tab_to(named("Change"), "Change", 10)
    if change is not None:
        kb.press("space")
    later(tap, change is not None and wait_for(lambda: gone(question), 10) is not None,
           'Tab and space answer "Change"')
    time.sleep(0.5)
    later(tap, wait_for(lambda: find(window, "1 pending change", ("label",)), 10) is not None,
           'the grid says "1 pending change"')

    review = kb.tab_to(named("Review & Apply…"), "Review & Apply…", 80)
    if review is None:
        review = kb.tab_to(named("Review & Apply…"), "Review & Apply…", 80, key="ISO_Left_Tab")
    if not later(tap, review is not None, 'Tab reaches "Review & Apply…"'):
        return
    kb.press("Return")
    dialog = window_named(app, "Review Changes")
    if not later(tap, dialog is not None, "Return opens Review Changes"):
        return
    wait_for(lambda: next((n for n in nodes(dialog) if "node2" in name_of(n)), None), 60)
    # Leaving full replication adds the nodes again: the cluster password.
    field = kb.tab_to(lambda n: name_of(n) == "Cluster Password" and
                      role_of(n) in ("password text", "text", "entry"), "Cluster Password", 30)
    if not later(tap, field is not None, 'Tab reaches Review\'s "Cluster Password" field'):
        return
    kb.type(os.environ.get("AUDIT_CLUSTER_PASSWORD", ""))
    apply_button = kb.tab_to(named("Apply"), "Apply", 30)
    if not later(tap, apply_button is not None, 'Tab reaches "Apply"'):
        return
    kb.press("space")
    done = wait_for(lambda: next((n for n in nodes(dialog) if role_of(n) == "list item"
                                  and name_of(n).endswith(", Done")), None), 90)
    close = wait_for(lambda: next((b for b in nodes(dialog) if role_of(b) == "push button"
                                   and name_of(b) == "Close"), None), 30)
    later(tap, done is not None and close is not None, "Apply is done; the dialog offers Close")
    if close is None:
        return
    escape_closes(tap, kb, dialog, "Review Changes after Apply")
    # The toast's button has a mnemonic ("_Undo"): Alt+U, at once (the
    # toast goes after 10 s; reaching it with Tab takes the whole window).
    kb.press("Alt_L", "u")
    switch_back = wait_for(lambda: next((n for n in nodes(window)
                                         if name_of(n) == "Publish data.dog to node2"
                                         and "checked" in states(n)), None), 90)
    later(tap, switch_back is not None, 'Alt+U (the toast\'s "Undo") turns "Publish data.dog to '
           'node2" back on')


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
    # However far the walk went, the keys pressed so far are judged.
    kb.report(phase)
    tap.note(f"atspi_audit.py done in {time.monotonic() - t0:.1f} s")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
