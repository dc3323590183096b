"""A shipped configuration with N bench workspaces (bench-1..N, keys bench-write-key-n / bench-read-key-n)
instead of its demo workspace. Usage: bench-config.py SHIPPED.yml OUT.yml N"""
import re
import sys

shipped, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
workspaces = "workspaces:\n" + "".join(
    f"  - id: bench-{n}\n    writeKeys: [bench-write-key-{n}]\n    readKeys: [bench-read-key-{n}]\n"
    for n in range(1, count + 1))
with open(shipped) as f:
    text = f.read()
with open(out, "w") as f:
    f.write(re.sub(r"(?ms)^workspaces:\n.*?(?=^\S)", workspaces + "\n", text))
