#!/usr/bin/env python3
"""Embed a text file in C: embed_text.py IN OUT NAME writes OUT declaring
`static const char NAME[]` with IN's bytes (the report's script, tools/report.js)."""
import sys

src, dst, name = sys.argv[1:4]
data = open(src, "rb").read()
with open(dst, "w") as f:
    f.write(f"/* generated from {src.rsplit('/', 1)[-1]} by tools/embed_text.py: do not edit */\n")
    f.write(f"static const char {name}[] = {{\n")
    for i in range(0, len(data), 16):
        f.write("".join(f"{b},"for b in data[i:i + 16]) + "\n")
    f.write("0 };\n")
