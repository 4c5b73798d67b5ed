#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""report.py DIR [--readme README.md] - the table (failover.md) and the plot
(failover.png) of a failover comparison run (bench/failover/run.sh): reads
DIR/cells.txt (one "CELL key=value ..." line per cell) and DIR/machine.txt;
with --readme, also rewrites the headline table between the README's
markers (the debian profile, a few words per cell). Python standard
library only; the plot needs gnuplot (gnuplot-nox)."""
import os
import shlex
import shutil
import subprocess
import sys

CONTENDERS = ["fence_nvme_pr", "sbd", "fence_scsi"]
FAILURES = ["crash", "freeze", "stall", "netsplit"]
FAILURE_TEXT = {
    "crash": "crash (kernel panic)",
    "freeze": "freeze (SIGSTOP of every process)",
    "stall": "stall and resume (VM paused)",
    "netsplit": "cluster network lost",
}
CONFIG = {
    "fence_nvme_pr": "`pcs stonith create nvme-fence fence_nvme_pr devices=DATA meta provides=unfencing` "
    "(keys from Corosync), `nvme_persist` on a second namespace ordered before the application, "
    "watchdog(8) on softdog with `fence_nvme_pr_check` in /etc/watchdog.d",
    "sbd": "`sbd -d SBD -1 W -4 M create`, /etc/default/sbd as Debian ships it with SBD_DEVICE set, "
    "sbd started before the cluster as its unit does, `pcs stonith create sbd-fence fence_sbd devices=SBD`, "
    "stonith-timeout 2 x msgwait + 20 s",
    "fence_scsi": "an iSCSI LUN (LIO on the storage VM, open-iscsi on the nodes), "
    "`pcs stonith create scsi-fence fence_scsi devices=LUN pcmk_host_list=... meta provides=unfencing`, "
    "watchdog(8) on softdog with `fence_scsi_check` in /etc/watchdog.d, every 10 s instead of Debian's 1 s "
    "(under emulation the Python check takes longer than 1 s and kept the node's vCPU busy)",
}


def read_cells(path):
    cells = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("CELL "):
                continue
            fields = dict(w.split("=", 1) for w in shlex.split(line)[1:] if "=" in w)
            cells[(fields.get("profile"), fields.get("contender"), fields.get("failure"))] = fields
    return cells


def read_machine(path):
    machine = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    machine[k] = v
    return machine


def seconds(ms):
    try:
        return f"{int(ms) / 1000:.1f}"
    except (TypeError, ValueError):
        return "-"


def number(cell, key):
    try:
        return int(cell.get(key, "-"))
    except (TypeError, ValueError):
        return None


def late_writes(cell):
    """The failed node's writes past the survivor's first record: the
    larger of its write log's count and the disk's (each misses some)."""
    return max(number(cell, "late_writes") or 0, number(cell, "late_on_disk") or 0)


def row(cell, contender):
    if cell is None:
        return f"| {contender} | not run | | | | | | | |"
    if cell.get("status") != "ran":
        return f"| {contender} | not run: {cell.get('reason', '?')} | | | | | | | |"
    late_text = f"**{cell.get('late_writes', '-')}** ({cell.get('late_on_disk', '-')} on disk)" if late_writes(cell) else "0"
    return (f"| {contender} | ran | {seconds(cell.get('fence_ms'))} | {seconds(cell.get('fence_step_ms'))} | "
            f"{seconds(cell.get('survivor_ms'))} | "
            f"{late_text} | {cell.get('healthy_fenced', '-')} | {cell.get('node1_end', '-')} | "
            f"{cell.get('app_on', '-')} |")


def headline_cell(cell):
    """One contender's outcome of one failure, in a few words."""
    if cell is None or cell.get("status") != "ran":
        return "not run"
    writes = late_writes(cell)
    late_text = "no late write" if writes == 0 else f"**{writes} late write{'s' if writes > 1 else ''}**"
    survivor = number(cell, "survivor_ms")
    if survivor is not None:
        return f"{survivor / 1000:.1f} s, {late_text}"
    healthy = cell.get("healthy_fenced", "none")
    app = cell.get("app_on", "-")
    if app == "node1" and healthy not in ("none", "-"):
        return "node1 won the race and kept the application"
    if app == "none":
        return "**both nodes down**"
    return f"no failover (application on {app})"


def headline(cells, machine, profile="debian"):
    """The README's table: per failure, each contender's time from the
    failure to the survivor's first record and its late writes."""
    lines = ["| failure | fence_nvme_pr | SBD | fence_scsi |", "|---|---|---|---|"]
    for failure in FAILURES:
        lines.append(f"| {FAILURE_TEXT[failure]} | " +
                     " | ".join(headline_cell(cells.get((profile, c, failure))) for c in CONTENDERS) + " |")
    lines.append("")
    lines.append(f"Failure -> the survivor's first record, and the failed node's writes that reached the disk "
                 f"after it; {profile} profile, the run of {machine.get('date', '?')[:10]} "
                 f"({machine.get('accel', '?')}, {machine.get('cpu', '?').split(' x ')[-1]} cores), generated by "
                 f"`bench/failover/run.sh --publish`.")
    return lines


README_BEGIN = "<!-- failover headline: generated by bench/failover/report.py, do not edit -->"
README_END = "<!-- end of failover headline -->"


def update_readme(path, cells, machine):
    """Replace the README's headline table (between its markers)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if README_BEGIN not in text or README_END not in text:
        raise SystemExit(f"report.py: no headline markers in {path}")
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    body = "\n".join([README_BEGIN] + headline(cells, machine) + [README_END])
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + body + tail)


def write_markdown(out, cells, machine, profiles):
    lines = []
    w = lines.append
    w("# Failover side by side: fence_nvme_pr, SBD, fence_scsi")
    w("")
    w("Generated by `bench/failover/report.py` from the cells of")
    w(f"`{machine.get('command', 'bench/failover/run.sh')}` (see bench/failover/README.md);")
    w("every number below is from that run and changes from run to run. A cell marked")
    w("*not run* was not run, never passed.")
    w("")
    duration = machine.get("duration_s", "?")
    w(f"- date {machine.get('date', '?')}, commit {machine.get('commit', '?')}, "
      f"{duration}{' s' if duration.isdigit() else ''} for the whole run")
    w(f"- machine: {machine.get('cpu', '?')}; accelerator: {machine.get('accel', '?')}; "
      f"load average before {machine.get('load_before', '?')}, after {machine.get('load_after', '?')}")
    w(f"- VM kernel {machine.get('kernel', '?')}; userland Debian 12: {machine.get('packages', '?').replace(';', ', ')}")
    if machine.get("note"):
        w(f"- note: {machine['note']}")
    w("- the bed: one VM per node (1 vCPU, its own kernel and softdog) and one storage VM (NVMe/TCP from nvmet "
      "with reservations, iSCSI from LIO), cluster and storage networks apart, all over QEMU unix-socket links")
    w("- the application: a journal writer (numbered records, O_DIRECT, every 250 ms) as a Pacemaker resource, "
      "node1 active; `pcmk_delay_max=0` for every contender")
    w("")
    w("Columns: *fence* = failure -> fence confirmed (Pacemaker's fencing alert on the survivor); "
      "*fence step* = the survivor's fencer hands the action to the device -> the agent's result "
      "(its pacemaker.log); "
      "*survivor* = failure -> the survivor's first record; *late writes* = records of the failed node that "
      "reached the disk after the survivor's first record: those its write log shows written (a sequence number "
      "at or past the survivor's first), and in brackets those on the disk at the end (a write in flight when "
      "the node stopped that landed after its resume is only there); "
      "*healthy fenced* = fenced nodes other than the failed one (or reset by their watchdog); "
      "*failed node* = how node1 ended; *app on* = the nodes whose application still wrote at the end.")
    w("")
    w("## In short")
    w("")
    for line in headline(cells, machine, profiles[0]):
        w(line)
    for profile in profiles:
        w("")
        w(f"## Profile: {profile}")
        w("")
        for failure in FAILURES:
            w(f"### {FAILURE_TEXT[failure]}")
            w("")
            w("| contender | cell | fence (s) | fence step (s) | survivor (s) | late writes | healthy fenced "
              "| failed node | app on |")
            w("|---|---|---|---|---|---|---|---|---|")
            for contender in CONTENDERS:
                w(row(cells.get((profile, contender, failure)), contender))
            w("")
            if failure == "netsplit":
                w("In a two-node split each node loses the other, and which one fences first is a race "
                  "(`pcmk_delay_max=0` for every contender): node2 fenced here means node1 won and kept the "
                  "application (no failover, so no times). The outcome that harms is both nodes down, or both "
                  "writing.")
                w("")
    write_evidence(w, cells, profiles)
    write_targets(w, cells, profiles)
    w("## Configurations")
    w("")
    for contender in CONTENDERS:
        w(f"- **{contender}**: {CONFIG[contender]}")
    w("- profiles: *debian* = sbd watchdog 5 s, msgwait 10 s (Debian's /etc/default/sbd, sbd's default msgwait); "
      "*hana* = sbd watchdog 15 s, msgwait 30 s. Corosync token 5000 ms, consensus 6000 ms in both: Debian's "
      "default token (1000 ms) is too short for an emulated CPU (tests/cluster/lib.sh)")
    w("")
    w("![time from failure to the survivor running](failover.png)")
    with open(os.path.join(out, "failover.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def evidence_lines(cell, limit=6):
    """The log lines that show a cell's late writes or its fenced healthy
    node, from the evidence directory the cell kept."""
    where = cell.get("evidence", "none")
    if where == "none" or not os.path.isdir(where):
        return [f"(no evidence kept for this cell: {where})"]

    def read(name):
        try:
            with open(os.path.join(where, name), encoding="utf-8", errors="replace") as f:
                return f.read().splitlines()
        except OSError:
            return []

    lines = []
    first = cell.get("survivor_first_seq", "-")
    if first.isdigit() and late_writes(cell):
        first = int(first)
        late = [l for l in read("logs/journal-node1.log")
                if len(l.split()) >= 3 and l.split()[2] == "ok" and l.split()[1].isdigit()
                and int(l.split()[1]) >= first]
        lines.append(f"node1's write log (its clock in ms, sequence, result), records at or past node2's first ({first}):")
        lines += ["  " + l for l in late[:limit]] or ["  (none logged as written)"]
        log = read("logs/journal-node1.log")
        if log:
            lines.append("node1's write log, its last lines:")
            lines += ["  " + l for l in log[-3:]]
        disk = [l for l in read("disk-journal.txt")
                if len(l.split()) >= 2 and l.split()[1] == "node1" and l.split()[0].isdigit()
                and int(l.split()[0]) >= first]
        lines.append("the disk read by the storage VM at the end (slot = sequence, writer, its time in ms):")
        lines += ["  " + l for l in disk[:limit]] or ["  (none of them left on the disk)"]
    healthy = cell.get("healthy_fenced", "none")
    if healthy not in ("none", "-", ""):
        lines.append("the fencing alerts (time, node, ..., the operation):")
        lines += ["  " + l for l in (read("alerts-node1.log") + read("alerts-node2.log"))
                  if "fencing" in l and "Operation" in l][:limit]
    ends = [l for l in read("node1.console") if
            any(k in l for k in ("sysrq: Resetting", "softdog: Initiating", "watchdog did not stop"))]
    if ends:
        lines.append("node1's console at its end:")
        lines += ["  " + l.strip() for l in ends[:2]]
    return lines


def write_evidence(w, cells, profiles):
    """Every cell where a contender let the failed node write after the
    survivor took over, or fenced a healthy node: the lines that show it."""
    found = False
    for profile in profiles:
        for failure in FAILURES:
            for contender in CONTENDERS:
                cell = cells.get((profile, contender, failure))
                if not cell or cell.get("status") != "ran":
                    continue
                late = late_writes(cell) > 0
                healthy = cell.get("healthy_fenced", "none") not in ("none", "-", "")
                if not (late or healthy):
                    continue
                if not found:
                    w("## What the logs show")
                    w("")
                    w("Every cell above with late writes or a fenced node other than node1, with the lines that show it "
                      "(from the evidence the cell kept).")
                    w("")
                    found = True
                what = ", ".join(x for x, y in (("late writes", late), ("healthy node fenced", healthy)) if y)
                w(f"### {profile} / {contender} / {failure}: {what}")
                w("")
                w("```")
                for line in evidence_lines(cell):
                    w(line)
                w("```")
                w("")


def write_targets(w, cells, profiles):
    """The issue's targets for fence_nvme_pr, each judged from the cells:
    met, missed, or open (a cell it needs was not run)."""
    w("## fence_nvme_pr against its targets")
    w("")
    w("| target | verdict | from |")
    w("|---|---|---|")
    ours = [(k, c) for k, c in cells.items() if k[1] == "fence_nvme_pr" and k[0] in profiles]
    ran = [(k, c) for k, c in ours if c.get("status") == "ran"]
    expected = len(profiles) * len(FAILURES)

    def verdict(ok, missing):
        return "missed" if not ok else ("open" if missing else "met")

    late = [f"{k[0]}/{k[2]}" for k, c in ran if late_writes(c)]
    w(f"| 0 late writes in every cell | {verdict(not late, len(ran) < expected)} | "
      f"{len(ran)} of {expected} cells ran{'; late writes in ' + ', '.join(late) if late else ''} |")
    failed = [(k, c) for k, c in ran if k[2] != "netsplit"]
    healthy = [f"{k[0]}/{k[2]}" for k, c in failed if c.get("healthy_fenced", "none") not in ("none", "-")]
    w(f"| 0 healthy nodes fenced (crash, freeze, stall) | "
      f"{verdict(not healthy, len(failed) < expected - len(profiles))} | "
      f"{'fenced in ' + ', '.join(healthy) if healthy else 'none in the cells that ran'} |")
    splits = [(k, c) for k, c in ran if k[2] == "netsplit"]
    bad = [f"{k[0]}" for k, c in splits
           if c.get("app_on", "-") not in ("node1", "node2") or
           (c.get("healthy_fenced", "none") not in ("none", "-") and c.get("node1_end") not in ("running", "-"))]
    w(f"| a split: one side fenced, the application on the other | {verdict(not bad, len(splits) < len(profiles))} | "
      f"{'not so in ' + ', '.join(bad) if bad else str(len(splits)) + ' split cell(s)'} |")
    steps = [number(c, "fence_step_ms") for _, c in ran if number(c, "fence_step_ms") is not None]
    w(f"| the fence step under 1 s | {verdict(all(x < 1000 for x in steps), len(steps) < len(ran) or not steps)} | "
      f"longest {max(steps) / 1000:.2f} s over {len(steps)} cells |" if steps else "| the fence step under 1 s | open | no cell |")
    for rival, rule, margin in (("sbd", "at least 8 s shorter than SBD's (debian profile)", 8000),
                                ("fence_scsi", "never longer than fence_scsi's", 0)):
        diffs, missing = [], []
        for failure in FAILURES:
            for profile in profiles:
                if rival == "sbd" and profile != "debian":
                    continue
                a, b = cells.get((profile, "fence_nvme_pr", failure)), cells.get((profile, rival, failure))
                x, y = (number(a, "survivor_ms") if a else None), (number(b, "survivor_ms") if b else None)
                if x is None or y is None:
                    missing.append(f"{profile}/{failure}")
                    continue
                diffs.append((f"{profile}/{failure}", y - x))
        ok = all(d >= margin for _, d in diffs)
        text = ", ".join(f"{n} {d / 1000:+.1f} s" for n, d in diffs) or "no pair"
        if missing:
            text += f"; no time in {', '.join(missing)}"
        w(f"| failure -> survivor {rule} | {verdict(ok, bool(missing))} | {rival} minus fence_nvme_pr: {text} |")
    w("")
    w("A cell without a survivor time (the split's other side won, or the cell was not run) leaves its target open; "
      "so does a profile not run.")
    w("")


def write_plot(out, cells, profiles):
    data = []
    for profile in profiles:
        for failure in FAILURES:
            values = []
            labels = []
            for contender in CONTENDERS:
                cell = cells.get((profile, contender, failure))
                if cell and cell.get("status") == "ran" and cell.get("survivor_ms", "-") != "-":
                    values.append(f"{int(cell['survivor_ms']) / 1000:.2f}")
                    late = late_writes(cell)
                    labels.append(f'"{late} late"' if late else '""')
                else:
                    values.append("0")
                    labels.append('"n/r"')
            data.append(f'"{profile}\\n{failure}" ' + " ".join(values) + " " + " ".join(labels))
    with open(os.path.join(out, "failover.dat"), "w", encoding="utf-8") as f:
        f.write("\n".join(data) + "\n")
    n = len(CONTENDERS)
    with open(os.path.join(out, "failover.gp"), "w", encoding="utf-8") as f:
        f.write("set terminal pngcairo size 1000,560 font 'sans,10' noenhanced\n")
        f.write("set bmargin 4\n")
        f.write("set output 'failover.png'\n")
        f.write("set title 'Failure -> the survivor runs the application (s); above a bar: late writes of the failed node; n/r: not run'\n")
        f.write("set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8 border -1\n")
        f.write("set offsets 0, 0, graph 0.1, 0\n")
        f.write("set boxwidth 0.9\nset yrange [0:*]\nset ylabel 'seconds'\nset grid ytics\nset key top left\n")
        plots = []
        for i, contender in enumerate(CONTENDERS):
            plots.append(f"'failover.dat' using {i + 2}:xtic(1) title '{contender}'")
        for i in range(n):
            x = f"($0 + {(i - (n - 1) / 2) / (n + 1):.3f})"
            plots.append(f"'failover.dat' using {x}:{i + 2}:{n + i + 2} with labels offset 0,1 notitle")
        f.write("plot " + ", \\\n     ".join(plots) + "\n")
    if shutil.which("gnuplot"):
        subprocess.run(["gnuplot", "failover.gp"], cwd=out, check=True)


def main():
    args = sys.argv[1:]
    readme = None
    if len(args) == 3 and args[1] == "--readme":
        readme = args[2]
    elif len(args) != 1:
        print("usage: report.py DIR [--readme README.md]", file=sys.stderr)
        return 2
    out = args[0]
    cells = read_cells(os.path.join(out, "cells.txt"))
    machine = read_machine(os.path.join(out, "machine.txt"))
    profiles = [p for p in ("debian", "hana") if any(k[0] == p for k in cells)] or ["debian"]
    write_markdown(out, cells, machine, profiles)
    write_plot(out, cells, profiles)
    if readme:
        update_readme(readme, cells, machine)
        print(f"report.py: updated the headline table in {readme}")
    print(f"report.py: wrote {out}/failover.md and failover.png ({len(cells)} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
