#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qemu-monitor.py SOCKET COMMAND...: send one HMP command (e.g. "stop",
"cont", "set_link fnpnet0 off") to the QEMU monitor on a unix socket (run-vm.sh
--monitor) and print QEMU's answer. Exit 0 once the command was sent and its
prompt came back, 1 otherwise (the VM is gone, or the monitor did not answer
within 10 s)."""
import socket
import sys


def read_until_prompt(sock):
    data = b""
    while not data.endswith(b"(qemu) "):
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("the monitor closed the connection")
        data += chunk
    return data.decode(errors="replace")


def main():
    if len(sys.argv) < 3:
        print("usage: qemu-monitor.py SOCKET COMMAND...", file=sys.stderr)
        return 2
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(10)
            sock.connect(sys.argv[1])
            read_until_prompt(sock)
            sock.sendall((" ".join(sys.argv[2:]) + "\n").encode())
            answer = read_until_prompt(sock)
    except OSError as err:
        print(f"qemu-monitor: {sys.argv[1]}: {err}", file=sys.stderr)
        return 1
    # The echo of the command, then QEMU's answer, then the prompt.
    lines = answer.replace("\r", "").split("\n")[1:-1]
    text = "\n".join(line for line in lines if line.strip())
    if text:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
