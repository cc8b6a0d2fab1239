#!/usr/bin/env python3
"""Run one notebook under the Deno Jupyter kernel with nbclient and print, as one line of JSON,
what each code cell output: its output types, MIME types, text and errors.
Usage: run_notebook.py NOTEBOOK [TIMEOUT_SECONDS] [WORKING_DIRECTORY]
The notebook file is not changed. Used by tests/docs/notebooks_test.ts."""
import json, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
t0 = time.time()
client = NotebookClient(nb, timeout=int(sys.argv[2]) if len(sys.argv) > 2 else 300, kernel_name="deno",
                        resources={"metadata": {"path": sys.argv[3] if len(sys.argv) > 3 else "."}})
error = None
try:
    client.execute()
except Exception as e:
    error = f"{type(e).__name__}: {str(e)[-1500:]}"
cells = []
for i, c in enumerate(nb.cells):
    if c.cell_type != "code":
        continue
    outs = []
    for o in c.get("outputs", []):
        d = {"type": o.output_type}
        if "data" in o:
            d["mimes"] = sorted(o["data"].keys())
            if "text/plain" in o["data"]:
                d["text"] = str(o["data"]["text/plain"])[:300]
        if o.output_type == "error":
            d["error"] = f"{o.get('ename')}: {o.get('evalue')}"[:500]
        if o.output_type == "stream":
            d["text"] = o.get("text", "")[:300]
        outs.append(d)
    cells.append({"index": i, "source": c.source[-200:], "outputs": outs})
print(json.dumps({"error": error, "seconds": time.time() - t0, "cells": cells}))
